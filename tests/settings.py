"""Test settings: socmap's own settings plus a scoped test model, with fast password hashing
(argon2 stays configured in socmap.settings; a test checks that)."""

from socmap.settings import *  # noqa: F403
from socmap.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.scoping_app"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

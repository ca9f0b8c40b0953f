"""The security tests' fixtures (threats made through the services), reused."""

from tests.security.conftest import make_threat, reference  # noqa: F401

"""WSGI entry point (gunicorn socmap.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
application = get_wsgi_application()

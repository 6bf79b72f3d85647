"""WSGI entry point for pages and API on a sync server (event streams need the ASGI app)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.settings")
application = get_wsgi_application()

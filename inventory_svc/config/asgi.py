"""ASGI entry point of inventory_svc (HTTP is served by gunicorn/WSGI; ASGI is for websockets)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()

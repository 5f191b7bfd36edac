"""ASGI entry point of notification_svc: daphne serves the websockets (``ws/notifications/``) through it,
and plain HTTP with the same Django project (gunicorn/WSGI serves the API in production)."""

import os

from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Set Django up before importing anything that imports models or settings.
django_application = get_asgi_application()

from notifications.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)

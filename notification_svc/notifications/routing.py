"""Websocket routes of notification_svc (config/asgi.py mounts them)."""

from django.urls import re_path

from notifications.consumers import StaffAlertsConsumer

websocket_urlpatterns = [
    re_path(r"^ws/notifications/?$", StaffAlertsConsumer.as_asgi()),
]

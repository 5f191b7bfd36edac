"""URL routes of notification_svc: the platform's common routes, then this service's API. Websocket
routes are in notifications/routing.py (config/asgi.py)."""

from django.urls import include, path

from shared.urls import handler400, handler403, handler404, handler500, platform_urlpatterns

urlpatterns = [
    *platform_urlpatterns(),
    path("api/v1/notifications/", include("notifications.api.urls")),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

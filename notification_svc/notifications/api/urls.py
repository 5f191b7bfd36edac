"""Routes under /api/v1/notifications/. The contract writes them without a trailing slash; both
spellings answer."""

from django.urls import re_path

from notifications.api.views import NotificationViewSet

_UUID = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"

urlpatterns = [
    re_path(r"^$", NotificationViewSet.as_view({"get": "list"}), name="notification-list"),
    re_path(r"^test/?$", NotificationViewSet.as_view({"post": "send_test"}), name="notification-test"),
    re_path(
        rf"^(?P<pk>{_UUID})/?$", NotificationViewSet.as_view({"get": "retrieve"}), name="notification-detail"
    ),
    re_path(
        rf"^(?P<pk>{_UUID})/retry/?$",
        NotificationViewSet.as_view({"post": "retry"}),
        name="notification-retry",
    ),
]

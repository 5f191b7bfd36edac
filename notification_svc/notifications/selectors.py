"""Every read of notifications."""

from django.db.models import QuerySet

from notifications.models import Notification


def notification_list(*, status: str | None = None, kind: str | None = None) -> QuerySet[Notification]:
    """Newest first; ``status`` and ``kind`` narrow it when given."""
    notifications = Notification.objects.all()
    if status:
        notifications = notifications.filter(status=status)
    if kind:
        notifications = notifications.filter(kind=kind)
    return notifications.order_by("-created_at", "-id")


def notification_get(*, notification_id) -> Notification | None:
    return Notification.objects.filter(id=notification_id).first()

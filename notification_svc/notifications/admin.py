"""Staff's view of what was sent: read-only rows, filters, and retrying the failed ones."""

import time

from django.contrib import admin, messages

from notifications import services
from notifications.errors import NotificationNotRetryable
from notifications.models import Notification
from shared.admin.audit import StaffModelAdmin

# A retry takes at most NOTIFICATION_SEND_BUDGET_MS + EMAIL_TIMEOUT (20 s by default).
RETRY_ACTION_SECONDS = 5


@admin.register(Notification)
class NotificationAdmin(StaffModelAdmin):
    list_display = ["created_at", "kind", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["recipient", "subject", "event_id"]
    date_hierarchy = "created_at"
    actions = ["retry_sending"]
    fields = [
        "id",
        "kind",
        "channel",
        "recipient",
        "subject",
        "body",
        "html_body",
        "status",
        "attempts",
        "error",
        "event_id",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # rows come from events and the API, never typed in

    def has_change_permission(self, request, obj=None):
        return False  # what was sent is a record; only the action below changes a row

    def has_retry_permission(self, request):
        # Rows are read-only in the form, yet sending one again is a change: it takes the change right.
        return request.user.has_perm("notifications.change_notification")

    @admin.action(description="Retry sending (failed ones)", permissions=["retry"])
    def retry_sending(self, request, queryset):
        outcome = {"sent": 0, "failed": 0, "skipped": 0, "left": 0}
        # Each retry may wait on the SMTP server: stop starting new ones in time to answer within the
        # 30 s gunicorn and the gateway allow; what is left is reported, to run the action again.
        stop_at = time.monotonic() + RETRY_ACTION_SECONDS
        for notification_id in queryset.values_list("id", flat=True):
            if time.monotonic() > stop_at:
                outcome["left"] += 1
                continue
            try:
                notification = services.notification_retry(notification_id=notification_id)
            except (Notification.DoesNotExist, NotificationNotRetryable):
                outcome["skipped"] += 1
                continue
            outcome[notification.status] += 1
        sent, failed, skipped = outcome["sent"], outcome["failed"], outcome["skipped"]
        summary = f"Sent {sent}, failed again {failed}, skipped {skipped} (not failed)."
        if outcome["left"]:
            summary += f" {outcome['left']} not tried for lack of time: run the action again."
        self.message_user(request, summary, messages.WARNING if failed else messages.SUCCESS)

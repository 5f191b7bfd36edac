"""Who changed what in the admin, for services that keep no user rows.

Django's admin records each change as a ``LogEntry`` with a foreign key to a local user; only user_svc
has users. Elsewhere the staff member comes from the token (``shared.auth.staff.StaffUser``), so the
record is a structured log line instead (``shared.admin.audit`` logger: staff id and email, the object,
the change), which the service's JSON log carries like every other line.
"""

import logging

from django.contrib import admin

logger = logging.getLogger("shared.admin.audit")


def record(request, action: str, *, kind: str, object_id, summary="") -> None:
    user = request.user
    logger.info(
        "admin %s %s %s by %s",
        action,
        kind,
        object_id,
        user.get_username(),
        extra={
            "action": action,
            "object_kind": kind,
            "object_id": str(object_id),
            "change": summary if isinstance(summary, str) else str(summary),
            "staff_id": str(user.pk),
            "staff_email": user.get_username(),
        },
    )


class StaffModelAdmin(admin.ModelAdmin):
    """A ``ModelAdmin`` whose history goes to the audit log, not to ``LogEntry``."""

    def _kind(self):
        return f"{self.opts.app_label}.{self.opts.model_name}"

    def log_addition(self, request, obj, message):
        record(request, "add", kind=self._kind(), object_id=obj.pk, summary=message)

    def log_change(self, request, obj, message):
        record(request, "change", kind=self._kind(), object_id=obj.pk, summary=message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            record(request, "delete", kind=self._kind(), object_id=obj.pk)

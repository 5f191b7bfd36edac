"""Every change to notifications: recording them (idempotently, for events), sending them, retrying
the failed ones.

Sending talks to an SMTP server, so it runs after the row is committed (callers schedule it with
``transaction.on_commit``, which runs at once outside a transaction) and holds only that row's lock.
"""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications import emails
from notifications.delivery import deliver_email
from notifications.errors import NotificationNotRetryable
from notifications.models import Notification
from shared.events import Envelope

logger = logging.getLogger("notifications.services")


@dataclass(frozen=True)
class EventRecord:
    """The rows of one event's emails, as ``notification_record_*`` found or made them."""

    notifications: list[Notification]
    is_new: bool  # this delivery of the event created rows: it was not seen before

    @property
    def pending_ids(self) -> list:
        return [n.id for n in self.notifications if n.status == Notification.Status.PENDING]


@transaction.atomic
def notification_record_low_stock(*, envelope: Envelope) -> EventRecord:
    """Store one low-stock email per address in ADMIN_ALERT_EMAILS for ``envelope``; send nothing.

    Idempotent on (event_id, recipient): a redelivered event finds its rows and creates none. Rows still
    pending (a crash came between storing and sending) are returned for the caller to send.
    """
    recipients = _alert_recipients()
    if not recipients:
        logger.warning("ADMIN_ALERT_EMAILS is empty: low-stock event %s emails nobody", envelope.event_id)
    recorded = _record_event_emails(
        envelope=envelope,
        kind=Notification.Kind.LOW_STOCK,
        recipients=recipients,
        content=emails.low_stock_content(envelope.data),
    )
    # Without recipients nothing records that the event was seen, so it counts as new every time.
    return EventRecord(notifications=recorded.notifications, is_new=recorded.is_new or not recipients)


@transaction.atomic
def notification_record_order_shipped(*, envelope: Envelope, recipient: str) -> EventRecord:
    """Store the "your order has shipped" email to ``recipient`` for ``envelope`` (an order's status
    change to shipped); send nothing.

    Idempotent on (event_id, recipient) like the low-stock email: the order service announces a status
    change once, through its outbox, so a second delivery of the event finds the row and creates none;
    a row still pending (a crash came between storing and sending) is returned for the caller to send.
    """
    return _record_event_emails(
        envelope=envelope,
        kind=Notification.Kind.ORDER_SHIPPED,
        recipients=[recipient],
        content=emails.order_shipped_content(envelope.data),
    )


def notification_send_test(*, recipient: str, subject: str, message: str) -> Notification:
    """Record a test email to ``recipient`` and send it once the row is committed.

    Returns the row as the send left it (sent, or failed with the error); inside an outer transaction
    the send waits for its commit and the row is returned pending.
    """
    content = emails.manual_test_content(subject=subject, message=message)
    with transaction.atomic():
        notification = Notification.objects.create(
            kind=Notification.Kind.TEST,
            channel=Notification.Channel.EMAIL,
            recipient=recipient,
            subject=content.subject,
            body=content.body,
            html_body=content.html_body,
        )
        transaction.on_commit(partial(notification_send, notification_id=notification.id))
    notification.refresh_from_db()
    return notification


def notification_send(*, notification_id) -> Notification | None:
    """Send a pending notification and record the outcome (sent, or failed with the error).

    Returns None, sending nothing, when the row is not pending (already sent or failed) or another
    process is sending it right now: an email goes out once per row, however often this is called.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(id=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if notification is None:
            return None
        _deliver(notification)
    return notification


def notification_retry(*, notification_id) -> Notification:
    """Send a failed notification again. Raise Notification.DoesNotExist for an unknown id and
    NotificationNotRetryable when it has not failed."""
    with transaction.atomic():
        # Waits for a concurrent retry of the same row, then sees its outcome: one more email at most.
        notification = Notification.objects.select_for_update().get(id=notification_id)
        if notification.status != Notification.Status.FAILED:
            raise NotificationNotRetryable(
                f"Only failed notifications can be retried; this one is {notification.status}."
            )
        _deliver(notification)
    return notification


def _record_event_emails(
    *, envelope: Envelope, kind: str, recipients: list[str], content: emails.EmailContent
) -> EventRecord:
    rows, is_new = [], False
    for recipient in recipients:
        notification, created = Notification.objects.get_or_create(
            event_id=envelope.event_id,
            recipient=recipient,
            defaults={
                "kind": kind,
                "channel": Notification.Channel.EMAIL,
                "subject": content.subject,
                "body": content.body,
                "html_body": content.html_body,
            },
        )
        rows.append(notification)
        is_new = is_new or created
    return EventRecord(notifications=rows, is_new=is_new)


def _alert_recipients() -> list[str]:
    """ADMIN_ALERT_EMAILS without blanks and duplicates (letter case ignored), in their order."""
    seen = {}
    for address in settings.ADMIN_ALERT_EMAILS:
        address = address.strip()
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return list(seen.values())


def _deliver(notification: Notification) -> None:
    result = deliver_email(
        recipient=notification.recipient,
        subject=notification.subject,
        body=notification.body,
        html_body=notification.html_body,
    )
    notification.attempts += result.attempts
    if result.delivered:
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.error = ""
    else:
        notification.status = Notification.Status.FAILED
        notification.error = result.error
    notification.save(update_fields=["attempts", "status", "sent_at", "error"])
    logger.info(
        "notification %s %s after %d attempt(s)",
        notification.id,
        notification.status,
        result.attempts,
        extra={"notification_id": str(notification.id), "status": notification.status},
    )

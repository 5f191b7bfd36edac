"""Handlers of the messages this service consumes, one per event type: ``handle_<event>(envelope)``.

Each is idempotent on the event id (the notification rows are unique on event id and recipient), so the
at-least-once delivery of the Redis stream and of Kafka never sends an email twice.
"""

import logging
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import close_old_connections, transaction

from notifications import alerts, services
from shared.events import INVENTORY_LOW_STOCK, ORDER_STATUS_CHANGED, Envelope
from shared.events.names import ORDER_STATUS_SHIPPED

logger = logging.getLogger("notifications.handlers")


def handle_low_stock(envelope: Envelope) -> None:
    """Email ADMIN_ALERT_EMAILS and alert the connected staff, once per event however often it arrives.

    When this returns the notifications are stored (the listener may acknowledge the entry); their
    sending has been tried, and a failure is recorded on them rather than raised.
    """
    recorded = services.notification_record_low_stock(envelope=envelope)
    if recorded.is_new:
        # Before the emails: their retries may take seconds, the live alert should not wait for them.
        alerts.alert_staff(envelope)
    _send_after_commit(recorded.pending_ids)


def handle_order_status_changed(envelope: Envelope) -> bool:
    """Email the customer that the order has shipped, once per event however often it arrives.

    Only a change to shipped that carries a valid ``customer_email`` is ours; any other returns False
    and stores nothing. When this returns the notification is stored (the consumer may commit the
    offset); its sending has been tried, and a failure is recorded on it rather than raised. True when
    something was stored or sent now, False when the event had been handled before.
    """
    data = envelope.data
    if data["status"] != ORDER_STATUS_SHIPPED:
        return False
    recipient = _customer_address(data.get("customer_email"))
    if recipient is None:
        logger.warning(
            "order %s shipped without a usable customer_email (%r): no email",
            data["order_id"],
            data.get("customer_email"),
            extra={"event_id": envelope.event_id, "order_id": data["order_id"]},
        )
        return False
    recorded = services.notification_record_order_shipped(envelope=envelope, recipient=recipient)
    _send_after_commit(recorded.pending_ids)
    return recorded.is_new or bool(recorded.pending_ids)


def _send_after_commit(notification_ids) -> None:
    for notification_id in notification_ids:
        # After the commit: no email for a row that could still roll back.
        transaction.on_commit(partial(services.notification_send, notification_id=notification_id))


def _customer_address(value: str | None) -> str | None:
    """The address to write to, or None when there is none or it is not an email address (an SMTP
    server would refuse it on every retry)."""
    address = (value or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        return None
    return address


def _fresh_connection(handler):
    """Run ``handler`` with a usable database connection: a long-running listener has no requests to
    trigger Django's check, and a connection broken by a database restart must not stay in use."""

    def wrapped(envelope: Envelope) -> None:
        close_old_connections()
        handler(envelope)

    return wrapped


# What the low-stock listener dispatches to; an event type missing here is logged and skipped.
LOW_STOCK_STREAM_HANDLERS = {INVENTORY_LOW_STOCK: _fresh_connection(handle_low_stock)}

# What the order-events consumer dispatches to (the shared Kafka loop refreshes the connection itself);
# other event types on the topic are logged and skipped.
ORDER_EVENTS_HANDLERS = {ORDER_STATUS_CHANGED: handle_order_status_changed}

"""Handlers of the messages this service consumes, one per event type: ``handle_<event>(envelope)``."""

from functools import partial

from django.db import close_old_connections, transaction

from notifications import alerts, services
from shared.events import INVENTORY_LOW_STOCK, Envelope


def handle_low_stock(envelope: Envelope) -> None:
    """Email ADMIN_ALERT_EMAILS and alert the connected staff, once per event however often it arrives.

    When this returns the notifications are stored (the listener may acknowledge the entry); their
    sending has been tried, and a failure is recorded on them rather than raised.
    """
    recorded = services.notification_record_low_stock(envelope=envelope)
    if recorded.is_new:
        # Before the emails: their retries may take seconds, the live alert should not wait for them.
        alerts.alert_staff(envelope)
    for notification_id in recorded.pending_ids:
        # After the commit: no email for a row that could still roll back.
        transaction.on_commit(partial(services.notification_send, notification_id=notification_id))


def _fresh_connection(handler):
    """Run ``handler`` with a usable database connection: a long-running listener has no requests to
    trigger Django's check, and a connection broken by a database restart must not stay in use."""

    def wrapped(envelope: Envelope) -> None:
        close_old_connections()
        handler(envelope)

    return wrapped


# What the low-stock listener dispatches to; an event type missing here is logged and skipped.
LOW_STOCK_STREAM_HANDLERS = {INVENTORY_LOW_STOCK: _fresh_connection(handle_low_stock)}

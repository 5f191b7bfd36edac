"""Celery tasks of order_svc (the saga's replies, queues and names in shared.events.names, and the re-drive
run by beat): take the envelope, call a handler or service.

MongoDB away or a lock held too long is transient: retried with backoff. A message that can never be
handled (not an envelope, wrong type) is rejected without requeue, so it lands in ``<queue>.dead``.
"""

from celery import shared_task
from celery.exceptions import Reject
from pymongo.errors import PyMongoError

from orders import handlers, services
from orders.names import REDRIVE_TASK
from shared.events import InvalidEnvelope, names, parse_envelope
from shared.mongo import DocumentLocked

RETRY = {
    "autoretry_for": (PyMongoError, DocumentLocked),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 10,
}


def _envelope(kwargs, expected_type):
    try:
        envelope = parse_envelope(kwargs)
    except InvalidEnvelope as exc:
        raise Reject(str(exc), requeue=False) from None
    if envelope.event_type != expected_type:
        raise Reject(f"expected {expected_type}, got {envelope.event_type}", requeue=False)
    return envelope


@shared_task(name=names.ORDER_INVENTORY_RESERVED_TASK, **RETRY)
def inventory_reserved(**kwargs):
    return handlers.handle_inventory_reserved(_envelope(kwargs, names.ORDER_INVENTORY_RESERVED_TASK))


@shared_task(name=names.ORDER_INVENTORY_FAILED_TASK, **RETRY)
def inventory_failed(**kwargs):
    return handlers.handle_inventory_failed(_envelope(kwargs, names.ORDER_INVENTORY_FAILED_TASK))


@shared_task(name=REDRIVE_TASK)
def redrive_pending():
    """Beat runs it every ORDER_REDRIVE_INTERVAL_SECONDS; a failed run is simply the next run's work."""
    return services.orders_redrive()

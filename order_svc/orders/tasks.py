"""Celery tasks of order_svc (the saga's replies, queues and names in shared.events.names, and the re-drive
and payment-window sweeps run by beat): take the envelope, call a handler or service.

MongoDB away or a lock held too long is transient: retried with backoff. A message that can never be
handled (not an envelope, wrong type) is rejected without requeue, so it lands in ``<queue>.dead``.
"""

from celery import shared_task
from pymongo.errors import PyMongoError

from orders import handlers, services
from orders.messages import CANCEL_UNPAID_TASK, REDRIVE_TASK
from shared.celery import retry_on, task_envelope
from shared.events import names
from shared.mongo import DocumentLocked

RETRY = retry_on(PyMongoError, DocumentLocked)


@shared_task(name=names.ORDER_INVENTORY_RESERVED_TASK, **RETRY)
def inventory_reserved(**kwargs):
    return handlers.handle_inventory_reserved(task_envelope(kwargs, names.ORDER_INVENTORY_RESERVED_TASK))


@shared_task(name=names.ORDER_INVENTORY_FAILED_TASK, **RETRY)
def inventory_failed(**kwargs):
    return handlers.handle_inventory_failed(task_envelope(kwargs, names.ORDER_INVENTORY_FAILED_TASK))


@shared_task(name=REDRIVE_TASK)
def redrive_pending():
    """Beat runs it every ORDER_REDRIVE_INTERVAL_SECONDS; a failed run is simply the next run's work."""
    return services.orders_redrive()


@shared_task(name=CANCEL_UNPAID_TASK)
def cancel_unpaid():
    """Beat runs it every ORDER_PAYMENT_SWEEP_SECONDS; a failed run is simply the next run's work."""
    return services.orders_cancel_unpaid()

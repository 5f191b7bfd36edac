"""Celery tasks of the saga (queues and names in shared.events.names): take the envelope, call a handler.

Transient failures (the database away) are retried with backoff; a message that can never be handled
(not an envelope, bad data) is rejected without requeue and so dead-lettered to ``<queue>.dead``.
"""

from celery import shared_task
from celery.exceptions import Reject
from django.db import InterfaceError, OperationalError

from shared.celery import retry_on, task_envelope
from shared.events import names
from stock import handlers

RETRY = retry_on(OperationalError, InterfaceError)


def _envelope(kwargs, expected_type):
    envelope = task_envelope(kwargs, expected_type)
    if not _valid_lines(envelope.data.get("items", [])):
        raise Reject("items must be [{product_id: str, quantity: 1..1000}]", requeue=False)
    return envelope


def _valid_lines(items):
    return all(
        isinstance(line, dict)
        and isinstance(line.get("product_id"), str)
        and isinstance(line.get("quantity"), int)
        and not isinstance(line.get("quantity"), bool)
        and 1 <= line["quantity"] <= 1000
        for line in items
    )


@shared_task(name=names.RESERVE_STOCK_TASK, **RETRY)
def reserve_stock(**kwargs):
    order = handlers.handle_reserve_stock(_envelope(kwargs, names.RESERVE_STOCK_TASK))
    return order.status


@shared_task(name=names.RELEASE_STOCK_TASK, **RETRY)
def release_stock(**kwargs):
    order = handlers.handle_release_stock(_envelope(kwargs, names.RELEASE_STOCK_TASK))
    return order.status

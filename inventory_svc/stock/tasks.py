"""Celery tasks of the saga (queues and names in shared.events.names): take the envelope, call a handler.

Transient failures (the database away) are retried with backoff; a message that can never be handled
(not an envelope, bad data) is rejected without requeue and so dead-lettered to ``<queue>.dead``.

A commit or restock that arrives before the state it acts on (it overtook the reserve or the commit:
messages on different queues, redeliveries and retries keep no order between them) is ``TooEarly``,
transient like the database away: it changes nothing, is retried with backoff (about 2.5 minutes in
all, 5 at most) and applies once that state is there; a command still too early when its retries run
out is dead-lettered, for a person to look at, not lost. Retrying rather than parking the command in
the database (as a release leaves a marker for its late reserve): the state it waits for is normally a
message or two behind it, and a parked command would need every earlier step to look for commands
waiting on it, where the retry keeps each step on its own.
"""

from celery import shared_task
from celery.exceptions import Reject
from django.db import InterfaceError, OperationalError

from shared.celery import retry_on, task_envelope
from shared.events import names
from shared.events.order_lines import LINES_SHAPE, is_line
from stock import handlers
from stock.errors import TooEarly

RETRY = retry_on(OperationalError, InterfaceError)
RETRY_UNTIL_READY = retry_on(OperationalError, InterfaceError, TooEarly)


def _envelope(kwargs, expected_type):
    envelope = task_envelope(kwargs, expected_type)
    if not all(is_line(line) for line in envelope.data.get("items", [])):
        raise Reject(f"items must be {LINES_SHAPE}", requeue=False)
    return envelope


@shared_task(name=names.RESERVE_STOCK_TASK, **RETRY)
def reserve_stock(**kwargs):
    order = handlers.handle_reserve_stock(_envelope(kwargs, names.RESERVE_STOCK_TASK))
    return order.status


@shared_task(name=names.RELEASE_STOCK_TASK, **RETRY)
def release_stock(**kwargs):
    order = handlers.handle_release_stock(_envelope(kwargs, names.RELEASE_STOCK_TASK))
    return order.status


@shared_task(name=names.COMMIT_STOCK_TASK, **RETRY_UNTIL_READY)
def commit_stock(**kwargs):
    order = handlers.handle_commit_stock(task_envelope(kwargs, names.COMMIT_STOCK_TASK))
    return order.status


@shared_task(name=names.RESTOCK_TASK, **RETRY_UNTIL_READY)
def restock(**kwargs):
    order = handlers.handle_restock(task_envelope(kwargs, names.RESTOCK_TASK))
    return order.status

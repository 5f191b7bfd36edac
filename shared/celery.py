"""The Celery app every worker service builds: JSON only, late acks, publisher confirms, and
dead-letter queues for messages that can never be processed.

Each queue of the saga (shared.events.names) is declared durable with a dead-letter exchange; a task that
rejects a message without requeue (a poison message, or one that exhausted its retries) lands in
``<queue>.dead`` for a person to look at, instead of being lost or retried forever.
"""

import os

from celery import Celery
from celery.exceptions import Reject
from celery.signals import worker_ready
from kombu import Exchange, Queue

from shared.events import InvalidEnvelope, names, parse_envelope

DEAD_LETTER_EXCHANGE = Exchange("dead-letter", type="direct", durable=True)
SAGA_QUEUES = (
    names.ORDER_CREATED_QUEUE,
    names.INVENTORY_RESERVED_QUEUE,
    names.INVENTORY_FAILED_QUEUE,
    names.INVENTORY_RELEASE_QUEUE,
)


def saga_queue(name: str) -> Queue:
    return Queue(
        name,
        Exchange(name, type="direct", durable=True),
        routing_key=name,
        durable=True,
        queue_arguments={
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name,
            "x-dead-letter-routing-key": name,
        },
    )


def dead_letter_queue(name: str) -> Queue:
    return Queue(f"{name}.dead", DEAD_LETTER_EXCHANGE, routing_key=name, durable=True)


def declare_saga_queues(app: Celery) -> None:
    """Declare every saga queue and its dead-letter queue (idempotent). A message published to a queue
    nobody declared yet would be dropped by its exchange, so senders and workers both call this."""
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for name in SAGA_QUEUES:
            saga_queue(name).bind(channel).declare()
            dead_letter_queue(name).bind(channel).declare()


def retry_on(*transient) -> dict:
    """Task options: retry on ``transient`` errors with exponential backoff and jitter, at most ten times;
    after that the message is rejected into its dead-letter queue."""
    return {
        "autoretry_for": transient,
        "retry_backoff": True,
        "retry_backoff_max": 60,
        "retry_jitter": True,
        "max_retries": 10,
    }


def task_envelope(kwargs: dict, expected_type: str):
    """The envelope a saga task was called with; a message that is not one is rejected without requeue,
    so it is dead-lettered instead of retried forever."""
    try:
        envelope = parse_envelope(kwargs)
    except InvalidEnvelope as exc:
        raise Reject(str(exc), requeue=False) from None
    if envelope.event_type != expected_type:
        raise Reject(f"expected {expected_type}, got {envelope.event_type}", requeue=False)
    return envelope


def make_celery_app(service: str) -> Celery:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    app = Celery(f"{service}_svc")
    # CELERY_BROKER_URL and any other CELERY_* setting come from the service's Django settings.
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        # A task is acknowledged only when it finished; a worker that dies mid-task gets it redelivered.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_queues=[*(saga_queue(q) for q in SAGA_QUEUES), *(dead_letter_queue(q) for q in SAGA_QUEUES)],
        task_create_missing_queues=False,
        # A task that fails for good is rejected, not acked: its message goes to the dead-letter queue.
        task_acks_on_failure_or_timeout=False,
        broker_transport_options={"confirm_publish": True},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        timezone="UTC",
    )
    app.autodiscover_tasks()

    @worker_ready.connect(weak=False)
    def _declare_on_start(sender=None, **_):
        declare_saga_queues(app)

    return app

"""The Celery app every worker service builds: JSON only, late acks, publisher confirms, and
dead-letter queues for messages that can never be processed.

Each queue of the saga (``SAGA_QUEUES``, declared with the event names in shared.events.names) is
declared durable with a dead-letter exchange; a task that rejects a message without requeue (a poison
message, or one that exhausted its retries) lands in ``<queue>.dead`` for a person to look at, instead of
being lost or retried forever.
"""

import os

from celery import Celery
from celery.exceptions import Reject
from celery.signals import task_postrun, task_prerun, worker_ready
from kombu import Exchange, Queue

from shared.correlation import clean_request_id, reset_request_id, set_request_id
from shared.events import InvalidEnvelope, parse_envelope
from shared.events.names import SAGA_QUEUES

DEAD_LETTER_EXCHANGE = Exchange("dead-letter", type="direct", durable=True)


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
    keep_database_connections(app)
    adopt_correlation_ids()

    @worker_ready.connect(weak=False)
    def _declare_on_start(sender=None, **_):
        declare_saga_queues(app)

    return app


# Celery's Django fixup closes every database connection only every twice this many tasks; see below.
_DB_REUSE_TASKS = 2**31


def keep_database_connections(app: Celery) -> None:
    """Keep a worker process's database connection from one task to the next, as a web worker keeps it
    between requests (CONN_MAX_AGE, and Django's health check after an error).

    Left alone, Celery's Django fixup closes it before and after every task, so each task of the saga
    paid for a new PostgreSQL connection and its SCRAM handshake: about 12 ms on the 2-core development
    machine against 0.3 ms for a query on an open connection, as long as the reserve transaction itself.
    The fixup's own closing is pushed out of reach and Django's per-request rule runs around each task.
    """
    app.conf.update(CELERY_DB_REUSE_MAX=_DB_REUSE_TASKS)
    task_prerun.connect(_close_old_connections, weak=False)
    task_postrun.connect(_close_old_connections, weak=False)


def _close_old_connections(task=None, **_):
    if task is not None and getattr(task.request, "is_eager", False):
        return  # an eager task runs inside the caller's own unit of work (tests)
    from django.db import close_old_connections

    close_old_connections()


def adopt_correlation_ids() -> None:
    """Run every task under the request id its message carries (shared.correlation), the one place that
    sets it for Celery: a saga task's kwargs are an envelope, whose ``correlation_id`` becomes the request
    id of the task's work, so its log lines and every message it sends (make_envelope) carry the id of the
    request that started the saga. A task without a well-formed one (beat's sweeps, a poison message)
    runs under a fresh id. The id in force before the task is back when it ends, also for an eager task
    run inside its caller (tests)."""
    task_prerun.connect(_adopt_correlation_id, weak=False, dispatch_uid="shared.celery.adopt_correlation_id")
    task_postrun.connect(_drop_correlation_id, weak=False, dispatch_uid="shared.celery.drop_correlation_id")


_RESET_ATTRIBUTE = "shared_request_id_reset"  # where a task's request keeps what resets the id


def _adopt_correlation_id(task=None, kwargs=None, **_):
    candidate = kwargs.get("correlation_id") if isinstance(kwargs, dict) else None
    token = set_request_id(clean_request_id(candidate if isinstance(candidate, str) else None))
    setattr(task.request, _RESET_ATTRIBUTE, token)


def _drop_correlation_id(task=None, **_):
    token = getattr(task.request, _RESET_ATTRIBUTE, None)
    if token is not None:
        setattr(task.request, _RESET_ATTRIBUTE, None)
        reset_request_id(token)

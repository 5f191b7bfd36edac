"""Writing to the outbox. Call these inside the transaction of the change they announce."""

from django.db import transaction

from shared.events import Envelope
from shared.messaging.doorbell import PostgresDoorbell
from shared.messaging.pg_outbox.models import OutboxMessage

# Rung with every message: the relays of this database listen on it (shared.messaging.relay).
DOORBELL = PostgresDoorbell("outbox")


def _add(kind, destination, envelope: Envelope, key=""):
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox messages are written inside the transaction of their change")
    message = OutboxMessage.objects.create(
        kind=kind, destination=destination, key=key, event_id=envelope.event_id, payload=envelope.as_dict()
    )
    DOORBELL.ring()  # heard when the transaction commits, not before, and never if it rolls back
    return message


def enqueue_kafka(envelope: Envelope, *, topic: str, key: str) -> OutboxMessage:
    return _add(OutboxMessage.Kind.KAFKA, topic, envelope, key)


def enqueue_task(envelope: Envelope, *, task: str, queue: str) -> OutboxMessage:
    """A Celery task call whose kwargs are the envelope."""
    return _add(OutboxMessage.Kind.CELERY, queue, envelope, task)


def enqueue_redis(envelope: Envelope, *, channel: str, stream: str) -> OutboxMessage:
    """A PUBLISH on ``channel`` and an XADD to ``stream``, both carrying the envelope."""
    return _add(OutboxMessage.Kind.REDIS, f"{channel}@{stream}", envelope)

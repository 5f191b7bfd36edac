"""Writing to the outbox. Call these inside the transaction of the change they announce."""

from django.db import transaction

from shared.events import Envelope
from shared.outbox.models import OutboxMessage


def _add(kind, destination, envelope: Envelope, key=""):
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox messages are written inside the transaction of their change")
    return OutboxMessage.objects.create(
        kind=kind, destination=destination, key=key, event_id=envelope.event_id, payload=envelope.as_dict()
    )


def enqueue_kafka(envelope: Envelope, *, topic: str, key: str) -> OutboxMessage:
    return _add(OutboxMessage.Kind.KAFKA, topic, envelope, key)


def enqueue_task(envelope: Envelope, *, task: str, queue: str) -> OutboxMessage:
    """A Celery task call whose kwargs are the envelope."""
    return _add(OutboxMessage.Kind.CELERY, f"{task}@{queue}", envelope)


def enqueue_redis(envelope: Envelope, *, channel: str, stream: str) -> OutboxMessage:
    """A PUBLISH on ``channel`` and an XADD to ``stream``, both carrying the envelope."""
    return _add(OutboxMessage.Kind.REDIS, f"{channel}@{stream}", envelope)

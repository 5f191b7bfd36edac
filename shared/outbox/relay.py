"""Delivering the outbox: the store the shared Relay drains, and the publisher for each kind."""

import json

from django.db import close_old_connections, transaction

from shared.celery import declare_saga_queues
from shared.messaging.kafka import publish_confirmed
from shared.messaging.redis_streams import ENVELOPE_FIELD
from shared.outbox.models import OutboxMessage


class OutboxStore:
    """Pending rows, oldest first. Delivered rows are deleted (the history of what happened lives in the
    service's own tables; the outbox only holds what has not left yet)."""

    def pending(self, limit):
        # A long-running loop has no request cycle to drop a connection the server closed (a database
        # restart); without this, every later pass fails on the dead connection and nothing leaves.
        # Never inside a transaction (a test's): closing would abort it.
        if not transaction.get_connection().in_atomic_block:
            close_old_connections()
        return list(OutboxMessage.objects.order_by("id")[:limit])

    def delivered(self, messages):
        with transaction.atomic():
            OutboxMessage.objects.filter(id__in=[m.id for m in messages]).delete()


class Publisher:
    """Send a batch to its brokers; raise if any message is not confirmed (the batch stays pending)."""

    def __init__(self, *, celery_app=None, redis_client=None):
        self.celery_app = celery_app
        self.redis_client = redis_client
        self._queues_declared = False

    def __call__(self, messages):
        kafka = [m for m in messages if m.kind == OutboxMessage.Kind.KAFKA]
        if kafka:
            publish_confirmed(
                [(m.destination, m.key.encode(), json.dumps(m.payload).encode()) for m in kafka]
            )
        for message in messages:
            if message.kind == OutboxMessage.Kind.CELERY:
                self._send_task(message)
            elif message.kind == OutboxMessage.Kind.REDIS:
                self._send_redis(message)

    def _send_task(self, message):
        if not self._queues_declared:
            declare_saga_queues(self.celery_app)
            self._queues_declared = True
        task, queue = message.destination.split("@", 1)
        # Publisher confirms are on (shared.celery), so send_task returns once the broker has the message.
        self.celery_app.send_task(task, kwargs=message.payload, queue=queue, task_id=str(message.event_id))

    def _send_redis(self, message):
        channel, stream = message.destination.split("@", 1)
        body = json.dumps(message.payload)
        pipe = self.redis_client.pipeline(transaction=True)
        pipe.publish(channel, body)
        pipe.xadd(stream, {ENVELOPE_FIELD: body}, maxlen=100_000, approximate=True)
        pipe.execute()

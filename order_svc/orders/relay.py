"""The order outbox relay: embedded outboxes of the orders collection → the saga's RabbitMQ queues and the
order events' Kafka topic.

An entry whose ``topic`` is a saga queue (shared.celery.SAGA_QUEUES) is a Celery task message (``key`` =
task name, ``value`` = the envelope, sent as the task's kwargs with the event id as task id); any other
entry is a Kafka message (``topic``, ``key`` = the order id, ``value`` = the envelope), sent by the
platform's idempotent producer. Both wait for the broker's confirmation (publisher confirms, Kafka acks
from all in-sync replicas), and an entry is removed only once its own broker confirmed it: the sinks are
tried independently, so an outage of one delays its messages only, and the other's are not sent again.
"""

import json

from shared.celery import SAGA_QUEUES, dead_letter_queue, saga_queue
from shared.messaging.kafka import publish_confirmed
from shared.messaging.relay import Relay


class CeleryPublisher:
    """Send outbox messages as Celery tasks. ``broker_url`` overrides the app's broker (tests use a
    throwaway vhost); the saga queues are declared on the first send, because a message sent to a queue
    nobody declared yet would be dropped."""

    def __init__(self, app, broker_url: str | None = None):
        self.app = app
        self.broker_url = broker_url
        self._declared = False

    def __call__(self, messages) -> None:
        with self.app.connection_for_write(self.broker_url) as connection:
            if not self._declared:
                channel = connection.default_channel
                for name in SAGA_QUEUES:
                    saga_queue(name).bind(channel).declare()
                    dead_letter_queue(name).bind(channel).declare()
                self._declared = True
            for message in messages:
                self.app.send_task(
                    message.key,
                    kwargs=json.loads(message.value),
                    queue=message.topic,
                    task_id=message.event_id,
                    connection=connection,
                )


def publish_to_kafka(messages) -> None:
    publish_confirmed([(m.topic, m.key.encode(), m.value.encode()) for m in messages])


class PartlyPublished(Exception):
    """Some messages of a batch were confirmed (``sent``) and others not (``error`` says why)."""

    def __init__(self, sent: list, error: Exception):
        super().__init__(str(error))
        self.sent = sent
        self.error = error


class RoutingPublisher:
    """Saga commands to Celery, everything else to Kafka; raise PartlyPublished when a sink failed."""

    def __init__(self, celery, kafka):
        self.sinks = (celery, kafka)

    def __call__(self, messages) -> None:
        saga = [message for message in messages if message.topic in SAGA_QUEUES]
        events = [message for message in messages if message.topic not in SAGA_QUEUES]
        sent, errors = [], []
        for sink, batch in zip(self.sinks, (saga, events), strict=True):
            if not batch:
                continue
            try:
                sink(batch)
            except Exception as exc:  # whatever the client raises: these stay for the next round
                errors.append(exc)
            else:
                sent += batch
        if errors:
            raise PartlyPublished(sent, errors[0])


class OrderRelay(Relay):
    """shared's relay, plus: what one sink confirmed is removed even when the other failed."""

    def run_once(self) -> int:
        try:
            return super().run_once()
        except PartlyPublished as partly:
            if partly.sent:
                self.store.delivered(partly.sent)
            raise partly.error from None


def build_relay(*, broker_url: str | None = None, **options) -> Relay:
    from config.celery import app
    from orders import repository

    publisher = RoutingPublisher(CeleryPublisher(app, broker_url), publish_to_kafka)
    return OrderRelay(repository.outbox(), publisher, **options)

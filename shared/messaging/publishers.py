"""What a relay sends with: one publisher per broker behind one interface, and the Publisher that sends a
batch of mixed messages each to its broker.

Every store hands out the same thing, an ``Outgoing`` message:

=========  =====================  ===========================  ==================================
kind       destination            key                          sent as
=========  =====================  ===========================  ==================================
kafka      the topic              the record's key             a record, acks from all replicas
celery     the saga queue         the task's name              a task (kwargs = envelope, id =
                                                               event id), publisher confirms
redis      ``channel@stream``     (none)                       a PUBLISH and an XADD, in one
                                                               MULTI
=========  =====================  ===========================  ==================================

A publisher is a callable that returns once its broker confirmed every message and raises otherwise.
Kafka and Redis names go through ``shared.events.scope.scoped`` on the way out (tests' isolation).
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from shared.celery import dead_letter_queue, saga_queue
from shared.events.names import SAGA_QUEUES
from shared.events.scope import scoped
from shared.messaging.kafka import publish_confirmed
from shared.messaging.redis_streams import ENVELOPE_FIELD
from shared.messaging.relay import PartlyPublished

KAFKA, CELERY, REDIS = "kafka", "celery", "redis"
STREAM_MAXLEN = 100_000  # about: XADD trims approximately
# How long a publish waits for RabbitMQ's confirmation (without it, a broker in a memory or disk alarm
# holds the relay, and its lease, for ever).
CONFIRM_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Outgoing:
    """A stored message on its way out; ``ref`` is what its store needs to remove it."""

    ref: object
    kind: str
    destination: str
    key: str
    event_id: str
    value: str  # the envelope's JSON


def kind_of(destination: str) -> str:
    """The broker of a MongoDB outbox entry, whose destination is a saga queue or a Kafka topic."""
    return CELERY if destination in SAGA_QUEUES else KAFKA


def kafka_publisher(messages) -> None:
    publish_confirmed([(scoped(m.destination), m.key.encode(), m.value.encode()) for m in messages])


class CeleryPublisher:
    """Saga commands and replies as Celery tasks, over one broker connection kept from batch to batch (a
    new AMQP connection per batch cost a handshake on every hop of the saga). ``broker_url`` overrides the
    app's broker (tests use a throwaway vhost). The saga queues are declared on every new connection: a
    message sent to a queue nobody declared yet would be dropped by its exchange."""

    def __init__(self, app, broker_url: str | None = None):
        self.app = app
        self.broker_url = broker_url
        self._connection = None

    def __call__(self, messages) -> None:
        try:
            connection = self._connected()
            for message in messages:
                # Publisher confirms are on (shared.celery): send_task returns once the broker has it.
                self.app.send_task(
                    message.key,
                    kwargs=json.loads(message.value),
                    queue=message.destination,
                    task_id=message.event_id,
                    connection=connection,
                    confirm_timeout=CONFIRM_TIMEOUT_SECONDS,
                )
        except Exception:
            self.close()  # the next batch starts on a new connection
            raise

    def _connected(self):
        if self._connection is None:
            self._connection = self.app.connection_for_write(self.broker_url)
            channel = self._connection.default_channel  # a failure here is closed by __call__
            for name in SAGA_QUEUES:
                saga_queue(name).bind(channel).declare()
                dead_letter_queue(name).bind(channel).declare()
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            finally:
                self._connection = None


class RedisPublisher:
    """Alerts on a Redis channel (for whoever listens now) and stream (for the consumer groups)."""

    def __init__(self, client):
        self.client = client

    def __call__(self, messages) -> None:
        for message in messages:
            channel, stream = message.destination.split("@", 1)
            pipe = self.client.pipeline(transaction=True)
            pipe.publish(scoped(channel), message.value)
            pipe.xadd(scoped(stream), {ENVELOPE_FIELD: message.value}, maxlen=STREAM_MAXLEN, approximate=True)
            pipe.execute()


class Publisher:
    """Send each message with the publisher of its kind. Brokers are tried independently: when one
    fails, PartlyPublished names what the others confirmed, so those leave the store and are not sent
    again while the failed broker is away."""

    def __init__(self, publishers: Mapping[str, Callable]):
        self.publishers = dict(publishers)
        self.kinds = frozenset(self.publishers)

    def close(self) -> None:
        """Close the brokers' connections that are kept between batches."""
        for publisher in self.publishers.values():
            if hasattr(publisher, "close"):
                publisher.close()

    def __call__(self, messages) -> None:
        by_kind: dict[str, list] = {}
        for message in messages:
            by_kind.setdefault(message.kind, []).append(message)
        unknown = by_kind.keys() - self.publishers.keys()
        if unknown:
            raise ValueError(f"no publisher for {sorted(unknown)} here")
        sent, errors, failed_kinds = [], [], set()
        for kind, batch in by_kind.items():
            try:
                self.publishers[kind](batch)
            except Exception as exc:  # whatever the client raises: these stay for the next round
                errors.append(exc)
                failed_kinds.add(kind)
            else:
                sent += batch
        if errors:
            raise PartlyPublished(sent, errors[0], failed_kinds=failed_kinds)

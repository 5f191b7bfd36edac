"""Kafka clients of the platform (confluent-kafka): an idempotent producer that confirms each send,
and consumers that commit only what they have processed."""

import os
import threading

from confluent_kafka import Consumer, KafkaException, Producer
from django.conf import settings

_lock = threading.Lock()
_producer = {"pid": None, "client": None}


class PublishFailed(RuntimeError):
    """The broker did not confirm the message; it stays in the outbox and is tried again."""


def get_producer() -> Producer:
    """One producer per process (librdkafka state does not survive a fork)."""
    with _lock:
        if _producer["pid"] != os.getpid():
            _producer["client"] = Producer(
                {
                    "bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
                    # Idempotence: broker-side dedup of retries, order kept per partition, acks from all
                    # in-sync replicas.
                    "enable.idempotence": True,
                    "acks": "all",
                    "linger.ms": 5,
                    "message.timeout.ms": 10000,
                    "socket.timeout.ms": 5000,
                }
            )
            _producer["pid"] = os.getpid()
        return _producer["client"]


def publish_confirmed(messages, timeout=15.0):
    """Send ``[(topic, key, value), ...]`` and wait until the broker has acknowledged every one.

    Raise PublishFailed if any is not acknowledged in time, so the caller keeps them in its outbox.
    """
    producer = get_producer()
    errors = []

    def on_delivery(error, _message):
        if error is not None:
            errors.append(error)

    try:
        for topic, key, value in messages:
            producer.produce(topic, key=key, value=value, on_delivery=on_delivery)
    except (KafkaException, BufferError) as exc:
        producer.flush(timeout)
        raise PublishFailed(str(exc)) from exc
    remaining = producer.flush(timeout)
    if remaining or errors:
        raise PublishFailed(f"{remaining} unconfirmed, errors: {[str(e) for e in errors][:3]}")


def make_consumer(group_id: str, **overrides) -> Consumer:
    """A consumer that reads from the start of a new group and commits only explicitly."""
    return Consumer(
        {
            "bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
            "group.id": group_id,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "enable.partition.eof": False,
            **overrides,
        }
    )

"""Kafka helpers for tests: the topics of a test scope, and reading everything on one with a fresh
group."""

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from confluent_kafka import Consumer, KafkaError, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from shared.events.scope import scoped


@contextmanager
def scoped_topics(bootstrap: str, *names: str, partitions: int = 3) -> Iterator[list[str]]:
    """Create the topics ``names`` (shared.events.names' constants) in the current scope
    (shared.events.scope), yield their scoped names, and delete them afterwards."""
    topics = [scoped(name) for name in names]
    admin = AdminClient({"bootstrap.servers": bootstrap})
    new = [NewTopic(topic, num_partitions=partitions, replication_factor=1) for topic in topics]
    for future in admin.create_topics(new).values():
        future.result(30)
    try:
        yield topics
    finally:
        for future in admin.delete_topics(topics).values():
            future.result(30)


def read_all(
    bootstrap: str, topic: str, *, expect: int | None = None, timeout: float = 20.0, quiet: float = 1.5
):
    """Every message on ``topic`` (a name of shared.events.names, in the current scope) as ``(key,
    envelope dict)``, read by a new consumer group.

    Stops once ``expect`` messages arrived and nothing more came for ``quiet`` seconds (so extra
    duplicates would be seen), or at ``timeout``.
    """
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"test-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([scoped(topic)])
    received = []
    deadline = time.monotonic() + timeout
    last = time.monotonic()
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(0.2)
            if message is None or message.error():
                enough = expect is not None and len(received) >= expect
                if enough and time.monotonic() - last >= quiet:
                    break
                continue
            received.append((message.key().decode(), json.loads(message.value())))
            last = time.monotonic()
    finally:
        consumer.close()
    return received


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """``{partition: offset}`` of the next message ``topic`` will get: read from here, a test sees only
    what was produced after this moment. Every topic here is scoped like read_all's."""
    topic = scoped(topic)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"test-{uuid.uuid4().hex[:8]}"})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        return {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions
        }
    finally:
        consumer.close()


def read_since(bootstrap: str, topic: str, offsets: dict[int, int], *, timeout: float = 5.0):
    """Every message on ``topic`` from ``offsets`` (end_offsets) to the end, as ``(key, envelope dict)``;
    stops when every partition reached its end, or at ``timeout``."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"test-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
        }
    )
    consumer.assign([TopicPartition(scoped(topic), p, offset) for p, offset in offsets.items()])
    received, at_end = [], set()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and len(at_end) < len(offsets):
            message = consumer.poll(0.2)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add(message.partition())
                continue
            at_end.discard(message.partition())
            received.append((message.key().decode(), json.loads(message.value())))
    finally:
        consumer.close()
    return received

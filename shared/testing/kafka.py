"""Kafka helpers for tests: a throwaway topic, and reading everything on it with a fresh group."""

import json
import time
import uuid

from confluent_kafka import Consumer
from confluent_kafka.admin import AdminClient, NewTopic


def create_topic(bootstrap: str, prefix: str = "test", partitions: int = 3) -> str:
    name = f"{prefix}.{uuid.uuid4().hex[:12]}"
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)])[name].result(30)
    return name


def delete_topic(bootstrap: str, name: str) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.delete_topics([name])[name].result(30)


def read_all(
    bootstrap: str, topic: str, *, expect: int | None = None, timeout: float = 20.0, quiet: float = 1.5
):
    """Every message on ``topic`` as ``(key, envelope dict)``, read by a new consumer group.

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
    consumer.subscribe([topic])
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

"""Kafka through confluent-kafka: the platform's topics exist, and a keyed produce is consumed in a
consumer group with manual commits, as inventory_svc's consumer does."""

import uuid

import pytest
from confluent_kafka import Consumer, KafkaError, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from tests.conftest import service_env


@pytest.fixture(scope="module")
def bootstrap():
    return service_env("inventory")["KAFKA_BOOTSTRAP_SERVERS"]


@pytest.fixture
def topic(bootstrap):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    name = f"stacktest.{uuid.uuid4().hex[:12]}"
    admin.create_topics([NewTopic(name, num_partitions=3, replication_factor=1)])[name].result(timeout=30)
    yield name
    admin.delete_topics([name])[name].result(timeout=30)


@pytest.mark.parametrize("name", ["product.events", "inventory.events"])
def test_platform_topics_exist_with_three_partitions(bootstrap, name):
    metadata = AdminClient({"bootstrap.servers": bootstrap}).list_topics(timeout=10)

    assert name in metadata.topics
    assert len(metadata.topics[name].partitions) == 3


def test_keyed_messages_are_consumed_once_by_a_consumer_group(bootstrap, topic):
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all"})
    sent = {f"product-{i}": f"event-{i}".encode() for i in range(12)}
    for key, value in sent.items():
        producer.produce(topic, key=key, value=value)
    assert producer.flush(15) == 0

    group = f"stacktest-{uuid.uuid4().hex[:8]}"
    received = _consume(bootstrap, topic, group, expected=len(sent))
    again = _consume(bootstrap, topic, group, expected=0, timeout=3)

    assert {key: value for key, value, _ in received} == sent
    # One key always lands on one partition, so per-product order is kept.
    partitions_per_key = {}
    for key, _, partition in received:
        partitions_per_key.setdefault(key, set()).add(partition)
    assert all(len(p) == 1 for p in partitions_per_key.values())
    assert len({p for _, _, p in received}) > 1
    # The committed offsets mean a restarted member of the same group reads nothing twice.
    assert again == []


def _consume(bootstrap, topic, group, expected, timeout=30):
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic])
    received = []
    import time

    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and (expected == 0 or len(received) < expected):
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                assert message.error().code() == KafkaError._PARTITION_EOF, message.error()
                continue
            received.append((message.key().decode(), message.value(), message.partition()))
            consumer.commit(message=message, asynchronous=False)
    finally:
        consumer.close()
    return received

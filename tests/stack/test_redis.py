"""Redis as inventory_svc and notification_svc use it: pub/sub and a stream read by a consumer group."""

import time
import uuid

import pytest
import redis

from tests.conftest import service_env


@pytest.fixture
def client():
    connection = redis.Redis.from_url(service_env("notification")["REDIS_URL"], socket_timeout=5)
    yield connection
    connection.close()


def test_publish_reaches_a_subscriber(client):
    channel = f"stacktest:{uuid.uuid4().hex}"
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(channel)
    pubsub.get_message(timeout=1)  # the subscribe confirmation

    receivers = client.publish(channel, b"low stock")
    deadline = time.monotonic() + 5
    message = None
    while message is None and time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.5)
    pubsub.close()

    assert receivers == 1
    assert message["data"] == b"low stock"


def test_stream_consumer_group_reads_acks_and_redelivers_unacked(client):
    stream = f"stacktest:stream:{uuid.uuid4().hex}"
    try:
        client.xgroup_create(stream, "listeners", id="0", mkstream=True)
        first = client.xadd(stream, {"event_id": "e1"})
        second = client.xadd(stream, {"event_id": "e2"})

        delivered = client.xreadgroup("listeners", "worker-1", {stream: ">"}, count=10, block=1000)
        ids = [entry_id for entry_id, _ in delivered[0][1]]
        acked = client.xack(stream, "listeners", first)
        pending = client.xreadgroup("listeners", "worker-1", {stream: "0"}, count=10)
    finally:
        client.delete(stream)

    assert ids == [first, second]
    assert acked == 1
    # After a restart a listener reads its own pending list from id 0: only the unacked entry is there.
    assert [entry_id for entry_id, _ in pending[0][1]] == [second]

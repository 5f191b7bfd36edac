"""Delivery survives a Kafka outage and a relay crash: nothing is lost, nothing is sent unstored."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

from products import repository
from products.relay import build_relay
from shared.events.names import PRODUCT_EVENTS_TOPIC
from shared.testing import stack
from shared.testing.kafka import read_all

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _event_ids_on_kafka(products, expect):
    """Event ids on the (session-wide) topic that belong to ``products``, in arrival order."""
    ids = {product["id"] for product in products}
    events = read_all(settings.KAFKA_BOOTSTRAP_SERVERS, PRODUCT_EVENTS_TOPIC, expect=expect, timeout=30)
    return [envelope["event_id"] for key, envelope in events if key in ids]


def _pending_event_ids():
    return sorted(m.event_id for m in repository.outbox().pending(1000))


def test_writes_succeed_while_kafka_is_down_and_their_events_arrive_after_it_returns(
    make_product, drain, mongo_commands
):
    with stack.stopped("kafka"):
        products = [make_product() for _ in range(3)]
        pending = _pending_event_ids()
        relay = build_relay()
        assert relay.run_once() == 0
        assert relay.holds.held() == {"kafka"}
        # Kafka is its only broker: while it is held, a look costs MongoDB nothing.
        relay.holds.first_seconds = 60
        relay.holds.failed({"kafka"})
        mongo_commands.clear()
        assert relay.run_once() == 0
        assert mongo_commands.names == []
        still_pending = _pending_event_ids()

    assert len(pending) == 3
    assert still_pending == pending  # a failed publish keeps every event
    assert drain() == 3
    assert _pending_event_ids() == []
    # Every event arrived; a message librdkafka retried on its own may arrive twice, with the same id.
    assert set(_event_ids_on_kafka(products, expect=3)) == set(pending)


def test_a_crash_between_publish_and_bookkeeping_resends_the_same_event_once_more(make_product, drain):
    product = make_product()
    (event_id,) = _pending_event_ids()
    relay = build_relay()

    def crash(_messages):
        raise SystemExit("relay killed after publishing")

    relay.store.delivered = crash
    with pytest.raises(SystemExit):
        relay.run_once()
    assert _pending_event_ids() == [event_id]

    drain()

    # Published twice, one event: consumers deduplicate on event_id.
    assert _event_ids_on_kafka([product], expect=2) == [event_id, event_id]


def test_a_relay_process_killed_outright_loses_nothing(make_product):
    env = {**os.environ, "MONGO_DB": settings.MONGO_DB}
    command = [sys.executable, "manage.py", "relay_outbox"]
    relay = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        products = [make_product() for _ in range(5)]
        time.sleep(0.3)
        relay.send_signal(signal.SIGKILL)
        relay.wait(10)
        products += [make_product() for _ in range(5)]
        relay = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while _pending_event_ids() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        relay.terminate()
        relay.wait(20)

    assert _pending_event_ids() == []
    arrived = _event_ids_on_kafka(products, expect=10)
    # Every write's event arrived; a resend after the kill repeats an id, never invents one.
    assert len(set(arrived)) == 10

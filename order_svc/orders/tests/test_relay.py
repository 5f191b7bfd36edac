"""The relay: saga commands to RabbitMQ (with the event id as task id), order events to Kafka; an outage of
either broker keeps its messages in the order document until it is back, without holding up or resending
the other's (real RabbitMQ in a throwaway vhost, real Kafka on a throwaway topic)."""

import json

import pytest
from confluent_kafka import Producer
from django.conf import settings as django_settings

from orders import repository, services
from orders.tests.conftest import events_of, outbox_of
from shared.celery import saga_queue
from shared.events import names
from shared.messaging.kafka import PublishFailed
from shared.messaging.mongo_outbox import hints_of
from shared.testing.kafka import read_all
from shared.testing.rabbitmq import UNREACHABLE_BROKER_URL, connecting_once


@pytest.fixture
def order(alice, make_product):
    created, _ = services.order_create(
        user_id=alice["id"],
        user_token=alice["token"],
        items=[{"product_id": make_product()["id"], "quantity": 1}],
    )
    return created


def _received(broker_url, queue, order_id):
    """Take every message waiting on a saga queue of the tests' vhost; return ``[(headers, body)]`` of
    those for ``order_id`` (other modules leave their orders' commands there)."""
    from config.celery import app

    mine = []
    with (
        app.connection_for_write(broker_url) as connection,
        connection.SimpleQueue(saga_queue(queue), no_ack=True) as simple,
    ):
        while True:
            try:
                message = simple.get(timeout=1)
            except simple.Empty:
                return mine
            if message.decode()[1]["data"]["order_id"] == order_id:
                mine.append((message.headers, message.decode()))


def _receive(broker_url, queue, order_id):
    [(headers, body)] = _received(broker_url, queue, order_id)
    return headers, body


def test_a_broker_outage_keeps_the_command_until_the_broker_is_back(order, broker_url, drain):
    from config.celery import app
    from orders.relay import build_relay

    unreachable = build_relay(broker_url=UNREACHABLE_BROKER_URL)
    with connecting_once(app):
        assert unreachable.run_once() == 1  # the event; RabbitMQ is held back for now
    assert unreachable.holds.held() == {"celery"}
    # the command stays; the creation's event, confirmed by Kafka, has left
    assert repository.collection().find_one({"_id": order["id"]})["outbox_pending"] is True
    assert len(outbox_of(order["id"])) == 1 and events_of(order["id"]) == []

    assert drain() == 1

    headers, body = _receive(broker_url, names.ORDER_CREATED_QUEUE, order["id"])
    assert headers["task"] == names.RESERVE_STOCK_TASK
    assert body[1]["data"] == {
        "order_id": order["id"],
        "items": [{"product_id": order["items"][0]["product_id"], "quantity": 1}],
    }
    assert headers["id"] == body[1]["event_id"]
    assert repository.collection().find_one({"_id": order["id"]})["outbox_pending"] is False
    assert json.dumps(body[1])  # plain JSON kwargs


def _new_order(alice, make_product):
    order, _ = services.order_create(
        user_id=alice["id"],
        user_token=alice["token"],
        items=[{"product_id": make_product()["id"], "quantity": 1}],
    )
    return order


def test_a_new_order_reaches_the_relay_through_its_hint_without_a_scan(
    alice, make_product, broker_url, drain, mongo_commands
):
    from orders.relay import build_relay

    drain()
    relay = build_relay(broker_url=broker_url)
    relay.run_once()  # its first look is a full scan; nothing is left
    order = _new_order(alice, make_product)
    mongo_commands.clear()

    assert relay.run_once() == 2  # its reserve command and its creation's event

    # Only lookups by _id, which FerretDB pushes down: the pending order, then its bookkeeping.
    assert mongo_commands.filters("find", repository.COLLECTION) == [{"_id": order["id"]}] * 2
    assert repository.collection().find_one({"_id": order["id"]})["outbox_pending"] is False
    assert hints_of(repository.collection()).count_documents({}) == 0
    _headers, body = _receive(broker_url, names.ORDER_CREATED_QUEUE, order["id"])
    assert body[1]["data"]["order_id"] == order["id"]


def test_an_order_whose_hint_was_lost_leaves_with_the_next_full_scan(alice, make_product, broker_url, drain):
    from orders.relay import build_relay

    drain()
    relay = build_relay(broker_url=broker_url)
    relay.run_once()
    order = _new_order(alice, make_product)
    # As if the writer had died between its write and the hint.
    hints_of(repository.collection()).delete_one({"_id": order["id"]})

    assert relay.run_once() == 0
    relay.store.full_scan_seconds = 0  # the next full scan is due
    assert relay.run_once() == 2
    assert repository.collection().find_one({"_id": order["id"]})["outbox_pending"] is False


def _unreachable_kafka(messages):
    """Kafka's real client, pointed where no broker listens: nothing is ever confirmed."""
    producer = Producer({"bootstrap.servers": "127.0.0.1:1", "message.timeout.ms": 1000, "log_level": 0})
    errors = []
    for message in messages:
        producer.produce(
            message.destination,
            key=message.key.encode(),
            value=message.value.encode(),
            on_delivery=lambda error, _message: errors.append(error),
        )
    if producer.flush(3) or any(errors):
        raise PublishFailed("not confirmed")


def test_a_kafka_outage_keeps_the_events_and_lets_the_commands_go(alice, make_product, broker_url, drain):
    from config.celery import app
    from shared.messaging import publishers
    from shared.messaging.relay import Relay

    # given a new order, and a relay whose Kafka is down
    drain()
    order = _new_order(alice, make_product)
    publisher = publishers.Publisher(
        {publishers.CELERY: publishers.CeleryPublisher(app, broker_url), publishers.KAFKA: _unreachable_kafka}
    )
    relay = Relay(repository.outbox(), publisher, batch_size=1)  # one message a batch: the oldest
    relay.holds.first_seconds = 60  # held for the whole test

    # when it runs: the command goes; the event fails, and Kafka is held back for now
    assert relay.run_once() == 1
    assert relay.run_once() == 0
    assert relay.holds.held() == {"kafka"}

    # then the reserve command went to RabbitMQ and left the outbox; the event waits
    _headers, body = _receive(broker_url, names.ORDER_CREATED_QUEUE, order["id"])
    assert body[1]["data"]["order_id"] == order["id"]
    assert outbox_of(order["id"]) == []
    assert [event["data"]["status"] for event in events_of(order["id"])] == ["pending"]
    # and a second order's command goes at once, past the older event still waiting for Kafka
    second = _new_order(alice, make_product)
    claimable = repository.outbox().pending(100, relay.holds.held())
    assert [(message.ref, message.kind) for message in claimable] == [(second["id"], "celery")]
    assert relay.run_once() == 1
    _headers, body = _receive(broker_url, names.ORDER_CREATED_QUEUE, second["id"])
    assert body[1]["data"]["order_id"] == second["id"]
    # and once Kafka is back the events leave, the commands are not sent again
    assert drain() == 2
    assert _received(broker_url, names.ORDER_CREATED_QUEUE, order["id"]) == []
    assert _received(broker_url, names.ORDER_CREATED_QUEUE, second["id"]) == []
    received = read_all(django_settings.KAFKA_BOOTSTRAP_SERVERS, names.ORDER_EVENTS_TOPIC, expect=2)
    for placed in (order, second):
        statuses = [envelope["data"]["status"] for key, envelope in received if key == placed["id"]]
        assert statuses == ["pending"]

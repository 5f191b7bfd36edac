"""The relay: a broker outage keeps the saga command in the order document; it leaves once the broker is
back, with the event id as task id (real RabbitMQ, throwaway vhost)."""

import json

import pytest

from orders import repository, services
from shared.celery import saga_queue
from shared.events import names
from shared.messaging.mongo_outbox import hints_of


@pytest.fixture
def order(alice, make_product):
    created, _ = services.order_create(
        user_id=alice["id"],
        user_token=alice["token"],
        items=[{"product_id": make_product()["id"], "quantity": 1}],
    )
    return created


def _receive(broker_url, queue):
    from config.celery import app

    with (
        app.connection_for_write(broker_url) as connection,
        connection.SimpleQueue(saga_queue(queue), no_ack=True) as simple,
    ):
        message = simple.get(timeout=10)
        return message.headers, message.decode()


def test_a_broker_outage_keeps_the_command_until_the_broker_is_back(order, broker_url, drain):
    from config.celery import app
    from orders.relay import build_relay

    unreachable = build_relay(broker_url="amqp://platform:platform@127.0.0.1:1/none")
    app_conf_retry = app.conf.broker_connection_max_retries
    app.conf.broker_connection_max_retries = 1
    try:
        with pytest.raises(Exception):  # noqa: B017  (whatever the transport raises)
            unreachable.run_once()
    finally:
        app.conf.broker_connection_max_retries = app_conf_retry
    assert repository.collection().find_one({"_id": order["id"]})["outbox_pending"] is True

    assert drain() == 1

    headers, body = _receive(broker_url, names.ORDER_CREATED_QUEUE)
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

    assert relay.run_once() == 1

    # Only lookups by _id, which FerretDB pushes down: the pending order, then its bookkeeping.
    assert mongo_commands.filters("find", repository.COLLECTION) == [{"_id": order["id"]}] * 2
    assert repository.collection().find_one({"_id": order["id"]})["outbox_pending"] is False
    assert hints_of(repository.collection()).count_documents({}) == 0
    _headers, body = _receive(broker_url, names.ORDER_CREATED_QUEUE)
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
    assert relay.run_once() == 1
    assert repository.collection().find_one({"_id": order["id"]})["outbox_pending"] is False

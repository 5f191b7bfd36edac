"""Every status change of an order, its creation included, is announced: an ``order.status_changed``
envelope in the order's outbox, written with the change, and sent by the relay to Kafka (keyed by the order
id, so in order), once each (real FerretDB, RabbitMQ in a throwaway vhost, Kafka on a throwaway topic)."""

import uuid
from decimal import Decimal

from django.conf import settings as django_settings

from orders import services
from orders.tests.conftest import events_of, pay_in_full, saga_answers
from shared.events import names, parse_envelope
from shared.testing.kafka import read_all

LIFE = ["pending", "confirmed", "paid", "processing", "shipped", "delivered", "refunded"]


def _place(alice, product, email=True):
    order, _ = services.order_create(
        user_id=alice["id"],
        user_token=alice["token"],
        items=[{"product_id": product["id"], "quantity": 2}],
        customer_email=alice["email"] if email else None,
    )
    return order


def test_the_creation_is_announced_with_the_order_and_no_previous_status(alice, make_product):
    order = _place(alice, make_product(price="5.25"))

    [event] = events_of(order["id"])

    assert parse_envelope(event).event_type == names.ORDER_STATUS_CHANGED
    assert event["source"] == "order_svc"
    assert event["data"] == {
        "order_id": order["id"],
        "user_id": alice["id"],
        "status": "pending",
        "total": "10.50",
        "currency": "USD",
        "customer_email": alice["email"],
    }


def test_each_change_is_announced_after_its_commands_with_previous_status_and_reason(alice, make_product):
    # given an order placed without an email (an older client), confirmed by the saga
    order = _place(alice, make_product(), email=False)
    saga_answers(order["id"])

    # when staff cancel it with a reason
    services.order_cancel(order_id=order["id"], reason="customer phoned", actor="staff@example.com")

    # then three events, in order, the last with the previous status and the reason, none with an email
    events = events_of(order["id"])
    assert [(e["data"].get("previous_status"), e["data"]["status"]) for e in events] == [
        (None, "pending"), ("pending", "confirmed"), ("confirmed", "cancelled"),
    ]  # fmt: skip
    assert events[-1]["data"]["reason"] == "customer phoned"
    assert "reason" not in events[1]["data"]
    assert not any("customer_email" in e["data"] for e in events)
    assert len({e["event_id"] for e in events}) == 3


def test_what_changes_no_status_announces_nothing(order_in):
    # given a confirmed order paid in part (no status change), and a replayed saga answer
    order = order_in("confirmed", price="30.00")
    services.order_pay(order_id=order["id"], amount=Decimal("10.00"), currency="USD", reference="part")
    saga_answers_again = services.order_reserved(order_id=order["id"])

    assert saga_answers_again is False
    assert [e["data"]["status"] for e in events_of(order["id"])] == ["pending", "confirmed"]


def test_an_orders_events_are_read_back_from_kafka_in_order_exactly_once(alice, make_product, drain):
    # given an order taken through its whole life, the relay running after some steps and not others
    # (so its events leave in several batches, some with more than one event of the order)
    order = _place(alice, make_product(price="7.00"))
    drain()
    saga_answers(order["id"])
    pay_in_full(order["id"], reference=f"psp-{uuid.uuid4().hex[:6]}")
    drain()
    for status in ("processing", "shipped"):
        services.order_set_status(order_id=order["id"], status=status, actor="staff@example.com")
        drain()
    services.order_set_status(order_id=order["id"], status="delivered", actor="staff@example.com")
    services.order_refund(order_id=order["id"], amount=Decimal("14.00"), reason="returned", restock=True)
    drain()

    # when a fresh consumer group reads the topic
    received = read_all(django_settings.KAFKA_BOOTSTRAP_SERVERS, names.ORDER_EVENTS_TOPIC, expect=len(LIFE))

    # then the order's events are there once each, in the order of its life, keyed by its id
    mine = [envelope for key, envelope in received if key == order["id"]]
    assert [e["data"]["status"] for e in mine] == LIFE
    assert [e["data"].get("previous_status") for e in mine] == [None, *LIFE[:-1]]
    assert len({e["event_id"] for e in mine}) == len(LIFE)
    assert all(parse_envelope(e).data["order_id"] == order["id"] for e in mine)
    assert mine[-1]["data"]["reason"] == "returned"
    assert events_of(order["id"]) == []


def test_the_orders_of_a_day_arrive_each_in_its_own_order(order_in, drain):
    # given several orders changing in between each other, the relay draining them together
    orders = [order_in("pending") for _ in range(3)]
    for order in orders:
        saga_answers(order["id"])
    for order in orders:
        pay_in_full(order["id"])
    drain()

    received = read_all(django_settings.KAFKA_BOOTSTRAP_SERVERS, names.ORDER_EVENTS_TOPIC, expect=9)

    for order in orders:
        statuses = [envelope["data"]["status"] for key, envelope in received if key == order["id"]]
        assert statuses == ["pending", "confirmed", "paid"]

"""Shipping commits an order's reservation; a refund with the goods back restocks it. Once per order, in
whatever order the commands arrive (the worker around these services is test_commit_worker.py)."""

import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection

from shared.events import names
from shared.messaging.pg_outbox.models import OutboxMessage
from shared.testing.kafka import read_all
from stock import services
from stock.errors import TooEarly
from stock.models import Item, Movement, OrderReservation, Reservation
from stock.relay import build_relay

pytestmark = pytest.mark.django_db


def _line(item, quantity):
    return {"product_id": item.product_id, "quantity": quantity}


def _numbers(item):
    item.refresh_from_db()
    return item.quantity, item.reserved, item.available


def _events(event_type, order_id):
    return [
        message.payload
        for message in OutboxMessage.objects.filter(kind=OutboxMessage.Kind.KAFKA).order_by("id")
        if message.payload["event_type"] == event_type and message.payload["data"]["order_id"] == order_id
    ]


def _movements(order_id, kind):
    return list(
        Movement.objects.filter(order_id=order_id, kind=kind)
        .order_by("item__product_id")
        .values_list(
            "item__product_id", "quantity_delta", "reserved_delta", "quantity_after", "reserved_after"
        )
    )


def _status(order_id):
    order = OrderReservation.objects.get(order_id=order_id)
    return order.status, sorted(order.lines.values_list("status", flat=True))


def _shipped(order_id, *items_and_quantities):
    """An order reserved and committed: ``(item, units)`` pairs."""
    services.stock_reserve(order_id=order_id, items=[_line(item, q) for item, q in items_and_quantities])
    return services.stock_commit(order_id=order_id, actor="inventory_svc")


# Commit ------------------------------------------------------------------------------------------------


def test_a_commit_takes_the_units_out_of_quantity_and_reserved_and_announces_it_once(make_item):
    mug, plate = make_item(quantity=20, product_id="p-c-mug"), make_item(quantity=10, product_id="p-c-plate")
    services.stock_reserve(order_id="ship-1", items=[_line(mug, 3), _line(plate, 2)])
    services.stock_reserve(order_id="other", items=[_line(mug, 1)])

    order = services.stock_commit(order_id="ship-1", actor="inventory_svc")

    assert order.status == OrderReservation.Status.COMMITTED
    assert _status("ship-1") == ("committed", ["committed", "committed"])
    assert _numbers(mug) == (17, 1, 16)  # available unchanged; the other order's unit still held
    assert _numbers(plate) == (8, 0, 8)
    assert _movements("ship-1", Movement.Kind.SHIPPED) == [
        ("p-c-mug", -3, -3, 17, 1),
        ("p-c-plate", -2, -2, 8, 0),
    ]
    assert Movement.objects.get(order_id="ship-1", kind="shipped", item=mug).actor == "inventory_svc"
    (event,) = _events(names.INVENTORY_COMMITTED, "ship-1")
    assert event["data"] == {
        "order_id": "ship-1",
        "items": [{"product_id": "p-c-mug", "quantity": 3}, {"product_id": "p-c-plate", "quantity": 2}],
    }


def test_the_committed_event_reaches_kafka_once_however_often_the_commit_comes(make_item):
    item = make_item(quantity=10)
    services.stock_reserve(order_id="ship-kafka", items=[_line(item, 4)])

    services.stock_commit(order_id="ship-kafka")
    services.stock_commit(order_id="ship-kafka")
    relay = build_relay()
    while relay.run_once():
        pass

    received = read_all(settings.KAFKA_BOOTSTRAP_SERVERS, names.INVENTORY_EVENTS_TOPIC, expect=1)
    committed = [
        (key, envelope["data"])
        for key, envelope in received
        if envelope["event_type"] == names.INVENTORY_COMMITTED and key == "ship-kafka"
    ]
    assert committed == [
        ("ship-kafka", {"order_id": "ship-kafka", "items": [{"product_id": item.product_id, "quantity": 4}]})
    ]


def test_the_same_commit_twice_moves_stock_once(make_item):
    item = make_item(quantity=10)
    services.stock_reserve(order_id="ship-2", items=[_line(item, 4)])
    services.stock_commit(order_id="ship-2")
    sent = OutboxMessage.objects.count()

    again = services.stock_commit(order_id="ship-2")

    assert again.status == "committed"
    assert _numbers(item) == (6, 0, 6)
    assert len(_movements("ship-2", Movement.Kind.SHIPPED)) == 1
    assert OutboxMessage.objects.count() == sent


def test_a_commit_before_its_reservation_is_too_early_and_leaves_no_trace(make_item):
    item = make_item(quantity=10)

    with pytest.raises(TooEarly):
        services.stock_commit(order_id="ship-early")

    # No marker: the reserve that comes next reserves, and the commit tried again then ships.
    assert not OrderReservation.objects.filter(order_id="ship-early").exists()
    assert services.stock_reserve(order_id="ship-early", items=[_line(item, 3)]).status == "reserved"
    assert services.stock_commit(order_id="ship-early").status == "committed"
    assert _numbers(item) == (7, 0, 7)


@pytest.mark.parametrize("how", ["released", "release overtook the reserve", "failed"])
def test_an_order_that_holds_no_stock_commits_nothing_and_says_so(make_item, caplog, how):
    item = make_item(quantity=5)
    if how == "released":
        services.stock_reserve(order_id="ship-none", items=[_line(item, 2)])
        services.stock_release(order_id="ship-none")
    elif how == "release overtook the reserve":
        services.stock_release(order_id="ship-none")
        services.stock_reserve(order_id="ship-none", items=[_line(item, 2)])
    else:
        services.stock_reserve(order_id="ship-none", items=[_line(item, 6)])
    before, sent = _numbers(item), OutboxMessage.objects.count()

    with caplog.at_level(logging.WARNING, logger="stock.services"):
        order = services.stock_commit(order_id="ship-none")

    assert order.status in ("released", "failed")
    assert _numbers(item) == before == (5, 0, 5)
    assert not Movement.objects.filter(kind=Movement.Kind.SHIPPED).exists()
    assert OutboxMessage.objects.count() == sent
    assert "commit of order ship-none ignored" in caplog.text


def test_a_release_after_the_commit_gives_nothing_back(make_item, caplog):
    item = make_item(quantity=10)
    _shipped("ship-3", (item, 4))
    sent = OutboxMessage.objects.count()

    with caplog.at_level(logging.WARNING, logger="stock.services"):
        order = services.stock_release(order_id="ship-3")

    assert order.status == "committed"
    assert _status("ship-3") == ("committed", ["committed"])
    assert _numbers(item) == (6, 0, 6)
    assert OutboxMessage.objects.count() == sent
    assert "release of order ship-3 ignored" in caplog.text


def test_the_low_stock_rule_holds_on_available_through_commit_and_restock(make_item):
    item = make_item(quantity=10, reorder_threshold=5)
    services.stock_reserve(order_id="ship-low", items=[_line(item, 6)])  # available 4: one alert
    alerts = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.REDIS)
    assert alerts.count() == 1

    services.stock_commit(order_id="ship-low")  # 4 in stock, 4 available: no new crossing
    item.refresh_from_db()
    assert (alerts.count(), item.low_stock_alerted) == (1, True)

    services.stock_restock(order_id="ship-low")  # 10 available: re-armed
    item.refresh_from_db()
    assert (alerts.count(), item.low_stock_alerted) == (1, False)

    services.stock_reserve(order_id="ship-low-2", items=[_line(item, 6)])  # a new crossing
    assert alerts.count() == 2


# Restock -----------------------------------------------------------------------------------------------


def test_a_restock_after_the_commit_puts_the_units_back_and_announces_it(make_item):
    mug, plate = make_item(quantity=20, product_id="p-r-mug"), make_item(quantity=10, product_id="p-r-plate")
    _shipped("back-1", (mug, 3), (plate, 2))

    order = services.stock_restock(order_id="back-1", actor="inventory_svc")

    assert order.status == OrderReservation.Status.RETURNED
    assert _status("back-1") == ("returned", ["returned", "returned"])
    assert _numbers(mug) == (20, 0, 20)
    assert _numbers(plate) == (10, 0, 10)
    assert _movements("back-1", Movement.Kind.RETURNED) == [
        ("p-r-mug", 3, 0, 20, 0),
        ("p-r-plate", 2, 0, 10, 0),
    ]
    (event,) = _events(names.INVENTORY_RETURNED, "back-1")
    assert event["data"]["items"] == [
        {"product_id": "p-r-mug", "quantity": 3},
        {"product_id": "p-r-plate", "quantity": 2},
    ]


def test_the_same_restock_twice_returns_the_units_once(make_item):
    item = make_item(quantity=10)
    _shipped("back-2", (item, 4))
    services.stock_restock(order_id="back-2")
    sent = OutboxMessage.objects.count()

    again = services.stock_restock(order_id="back-2")

    assert again.status == "returned"
    assert _numbers(item) == (10, 0, 10)
    assert len(_movements("back-2", Movement.Kind.RETURNED)) == 1
    assert OutboxMessage.objects.count() == sent


def test_a_returned_order_can_neither_ship_again_nor_be_released(make_item):
    item = make_item(quantity=10)
    _shipped("back-3", (item, 4))
    services.stock_restock(order_id="back-3")

    services.stock_commit(order_id="back-3")
    services.stock_release(order_id="back-3")

    assert _status("back-3") == ("returned", ["returned"])
    assert _numbers(item) == (10, 0, 10)


def test_a_restock_before_the_commit_is_too_early_and_changes_nothing(make_item):
    item = make_item(quantity=10)
    services.stock_reserve(order_id="back-early", items=[_line(item, 4)])

    with pytest.raises(TooEarly):
        services.stock_restock(order_id="back-early")  # reserved, not shipped yet
    with pytest.raises(TooEarly):
        services.stock_restock(order_id="back-unknown")  # not even reserved yet

    assert _numbers(item) == (10, 4, 6)
    assert _status("back-early") == ("reserved", ["active"])
    assert not OrderReservation.objects.filter(order_id="back-unknown").exists()
    # Tried again once the commit came, it applies.
    services.stock_commit(order_id="back-early")
    services.stock_restock(order_id="back-early")
    assert _numbers(item) == (10, 0, 10)


@pytest.mark.parametrize("how", ["released", "failed"])
def test_a_restock_of_an_order_that_never_shipped_changes_nothing_and_says_so(make_item, caplog, how):
    item = make_item(quantity=5)
    services.stock_reserve(order_id="back-none", items=[_line(item, 2 if how == "released" else 6)])
    if how == "released":
        services.stock_release(order_id="back-none")
    sent = OutboxMessage.objects.count()

    with caplog.at_level(logging.WARNING, logger="stock.services"):
        order = services.stock_restock(order_id="back-none")

    assert order.status == how
    assert _numbers(item) == (5, 0, 5)
    assert not Movement.objects.filter(kind=Movement.Kind.RETURNED).exists()
    assert OutboxMessage.objects.count() == sent
    assert "restock of order back-none ignored" in caplog.text


# Under concurrency -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_commits_restocks_and_reserves_on_shared_items_keep_the_books(make_item):
    a, b = make_item(quantity=100, reorder_threshold=0), make_item(quantity=100, reorder_threshold=0)
    for n in range(20):  # lines in both orders, so the row locks are asked for in both orders
        lines = [_line(a, 1), _line(b, 2)] if n % 2 else [_line(b, 2), _line(a, 1)]
        services.stock_reserve(order_id=f"mix-{n}", items=lines)

    def step(n):
        try:
            if n < 20:
                services.stock_commit(order_id=f"mix-{n}")
                if n % 4 == 0:
                    services.stock_restock(order_id=f"mix-{n}")
            else:
                services.stock_reserve(order_id=f"mix-{n}", items=[_line(a, 1), _line(b, 1)])
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(step, range(30)))

    # 20 shipped (5 of them back), 10 new orders reserved.
    assert _numbers(Item.objects.get(id=a.id)) == (100 - 20 + 5, 10, 100 - 20 + 5 - 10)
    assert _numbers(Item.objects.get(id=b.id)) == (100 - 40 + 10, 10, 100 - 40 + 10 - 10)
    for item in (a, b):
        item.refresh_from_db()
        active = Reservation.objects.filter(item=item, status="active").values_list("quantity", flat=True)
        assert item.reserved == sum(active)
        replayed = Movement.objects.filter(item=item).values_list("quantity_delta", "reserved_delta")
        assert (item.quantity, item.reserved) == tuple(map(sum, zip(*replayed, strict=True)))

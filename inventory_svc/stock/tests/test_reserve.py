"""Reserve and release: all or nothing, idempotent per order, never oversold."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from shared.events import names
from shared.messaging.pg_outbox.models import OutboxMessage
from stock import services
from stock.models import Item, Movement, OrderReservation, Reservation

RESERVED_REPLY = names.INVENTORY_RESERVED_QUEUE  # a Celery message's destination is its queue
FAILED_REPLY = names.INVENTORY_FAILED_QUEUE


def _line(item, quantity):
    return {"product_id": item.product_id, "quantity": quantity}


@pytest.mark.django_db
def test_a_multi_item_order_with_one_short_item_reserves_nothing(make_item):
    plenty, scarce = make_item(quantity=10), make_item(quantity=2)
    OutboxMessage.objects.all().delete()

    order = services.stock_reserve(order_id="o-1", items=[_line(plenty, 3), _line(scarce, 5)], reply=True)

    assert order.status == OrderReservation.Status.FAILED
    assert order.shortages == [{"product_id": scarce.product_id, "requested": 5, "available": 2}]
    plenty.refresh_from_db()
    scarce.refresh_from_db()
    assert (plenty.reserved, scarce.reserved) == (0, 0)
    assert not Reservation.objects.exists()
    assert not Movement.objects.filter(kind=Movement.Kind.RESERVED).exists()
    (reply,) = OutboxMessage.objects.all()
    assert (reply.destination, reply.key) == (names.INVENTORY_FAILED_QUEUE, names.ORDER_INVENTORY_FAILED_TASK)
    assert reply.payload["data"]["shortages"] == order.shortages


@pytest.mark.django_db
def test_a_successful_reserve_holds_stock_records_history_and_replies(make_item, settings):
    item = make_item(quantity=10)
    OutboxMessage.objects.all().delete()

    order = services.stock_reserve(order_id="o-2", items=[_line(item, 2), _line(item, 1)], reply=True)

    item.refresh_from_db()
    assert order.status == OrderReservation.Status.RESERVED
    assert (item.quantity, item.reserved, item.available) == (10, 3, 7)  # duplicate lines are merged
    movement = Movement.objects.get(kind=Movement.Kind.RESERVED)
    assert (movement.reserved_delta, movement.reserved_after, movement.order_id) == (3, 3, "o-2")
    sent = sorted((m.kind, m.destination) for m in OutboxMessage.objects.all())
    assert sent == [
        ("celery", names.INVENTORY_RESERVED_QUEUE),
        ("kafka", names.INVENTORY_EVENTS_TOPIC),
    ]


@pytest.mark.django_db
def test_the_same_reserve_twice_moves_stock_once_and_gives_the_first_answer(make_item):
    item = make_item(quantity=10)
    first = services.stock_reserve(order_id="o-3", items=[_line(item, 4)], reply=True)
    outbox_after_first = OutboxMessage.objects.count()

    second = services.stock_reserve(order_id="o-3", items=[_line(item, 4)], reply=True)

    item.refresh_from_db()
    assert (first.status, second.status) == ("reserved", "reserved")
    assert item.reserved == 4
    assert Reservation.objects.count() == 1
    # nothing announced twice: only the saga's answer is sent again
    (again,) = OutboxMessage.objects.order_by("id")[outbox_after_first:]
    assert again.destination == RESERVED_REPLY
    assert again.payload["data"] == {"order_id": "o-3"}


def _replies(order_id):
    """The saga's answers in the outbox for ``order_id``: ``[(destination, data)]``, oldest first."""
    return [
        (message.destination, message.payload["data"])
        for message in OutboxMessage.objects.filter(kind=OutboxMessage.Kind.CELERY).order_by("id")
        if message.payload["data"]["order_id"] == order_id
    ]


@pytest.mark.django_db
def test_a_reserve_whose_answer_was_lost_is_answered_again_when_re_driven(make_item):
    item = make_item(quantity=10)
    services.stock_reserve(order_id="lost", items=[_line(item, 4)], reply=True)
    OutboxMessage.objects.all().delete()  # the first answer never left

    again = services.stock_reserve(order_id="lost", items=[_line(item, 4)], reply=True)

    assert again.status == OrderReservation.Status.RESERVED
    assert _replies("lost") == [(RESERVED_REPLY, {"order_id": "lost"})]
    item.refresh_from_db()
    assert item.reserved == 4
    assert Movement.objects.filter(order_id="lost").count() == 1


@pytest.mark.django_db
def test_a_failed_reserve_asked_again_is_answered_failed_with_the_same_shortages(make_item):
    item = make_item(quantity=2)
    first = services.stock_reserve(order_id="short", items=[_line(item, 5)], reply=True)
    OutboxMessage.objects.all().delete()

    services.stock_reserve(order_id="short", items=[_line(item, 1)], reply=True)  # 1 would fit now: no matter

    failed = {"order_id": "short", "reason": "insufficient stock", "shortages": first.shortages}
    assert _replies("short") == [(FAILED_REPLY, failed)]
    item.refresh_from_db()
    assert item.reserved == 0


@pytest.mark.django_db
def test_a_reserve_asked_again_after_its_stock_was_released_is_answered_failed(make_item):
    item = make_item(quantity=10)
    services.stock_reserve(order_id="gone", items=[_line(item, 3)], reply=True)
    services.stock_release(order_id="gone")
    OutboxMessage.objects.all().delete()

    again = services.stock_reserve(order_id="gone", items=[_line(item, 3)], reply=True)

    # "reserved" would confirm an order whose stock is no longer held
    assert again.status == OrderReservation.Status.RELEASED
    released = {"order_id": "gone", "reason": "the order's stock was released", "shortages": []}
    assert _replies("gone") == [(FAILED_REPLY, released)]
    item.refresh_from_db()
    assert item.reserved == 0


@pytest.mark.django_db
def test_a_shipped_order_asked_again_is_answered_reserved(make_item):
    item = make_item(quantity=10)
    services.stock_reserve(order_id="sent", items=[_line(item, 2)], reply=True)
    services.stock_commit(order_id="sent")
    OutboxMessage.objects.all().delete()

    services.stock_reserve(order_id="sent", items=[_line(item, 2)], reply=True)

    assert _replies("sent") == [(RESERVED_REPLY, {"order_id": "sent"})]
    item.refresh_from_db()
    assert (item.quantity, item.reserved) == (8, 0)


@pytest.mark.django_db
def test_asked_again_without_a_reply_wanted_sends_nothing(make_item):
    # The API's reserve answers in its response; only the saga's command gets an answer task.
    item = make_item(quantity=10)
    services.stock_reserve(order_id="api", items=[_line(item, 2)])
    OutboxMessage.objects.all().delete()

    services.stock_reserve(order_id="api", items=[_line(item, 2)])

    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_release_gives_back_exactly_what_the_order_holds_and_is_idempotent(make_item):
    item = make_item(quantity=10)
    services.stock_reserve(order_id="mine", items=[_line(item, 3)])
    services.stock_reserve(order_id="other", items=[_line(item, 2)])

    services.stock_release(order_id="mine")
    services.stock_release(order_id="mine")

    item.refresh_from_db()
    assert item.reserved == 2
    assert Movement.objects.filter(kind=Movement.Kind.RELEASED).count() == 1


@pytest.mark.django_db
def test_a_release_that_overtakes_its_reserve_makes_the_late_reserve_a_no_op(make_item):
    item = make_item(quantity=10)

    services.stock_release(order_id="cancelled-early")
    late = services.stock_reserve(order_id="cancelled-early", items=[_line(item, 5)], reply=True)

    item.refresh_from_db()
    assert late.status == OrderReservation.Status.RELEASED
    assert item.reserved == 0
    # the late command is answered too: nothing is held for it (order_svc ignores it for a cancelled order)
    released = {"order_id": "cancelled-early", "reason": "the order's stock was released", "shortages": []}
    assert _replies("cancelled-early") == [(FAILED_REPLY, released)]


@pytest.mark.django_db
def test_unknown_and_inactive_products_are_shortages(make_item):
    inactive = make_item(quantity=10)
    services.item_deactivate(product_id=inactive.product_id)

    order = services.stock_reserve(
        order_id="o-4", items=[{"product_id": "nope", "quantity": 1}, _line(inactive, 1)]
    )

    assert order.status == "failed"
    assert {s["product_id"] for s in order.shortages} == {"nope", inactive.product_id}


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_orders_racing_for_the_last_ten_units_reserve_exactly_ten(make_item):
    item = make_item(quantity=10, reorder_threshold=0)
    start = threading.Barrier(50)

    def order(n):
        start.wait()
        try:
            return services.stock_reserve(order_id=f"race-{n}", items=[_line(item, 1)]).status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(order, range(50)))

    item.refresh_from_db()
    assert outcomes.count("reserved") == 10
    assert outcomes.count("failed") == 40
    assert (item.reserved, item.available) == (10, 0)
    assert Reservation.objects.filter(item=item).count() == 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_multi_item_orders_in_opposite_line_order_do_not_deadlock(make_item):
    a, b = make_item(quantity=100), make_item(quantity=100)

    def order(n):
        lines = [_line(a, 1), _line(b, 1)] if n % 2 else [_line(b, 1), _line(a, 1)]
        try:
            return services.stock_reserve(order_id=f"mix-{n}", items=lines).status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(order, range(40)))

    assert outcomes == ["reserved"] * 40
    assert Item.objects.get(id=a.id).reserved == Item.objects.get(id=b.id).reserved == 40


@pytest.mark.django_db
def test_the_database_refuses_reserving_more_than_the_quantity(make_item):
    from django.db import IntegrityError

    item = make_item(quantity=1)
    with pytest.raises(IntegrityError):
        Item.objects.filter(id=item.id).update(reserved=2)


def test_threshold_rule_is_max_five_or_ten_percent_rounded_up():
    assert [services.reorder_threshold_for(n) for n in (0, 40, 50, 51, 100, 1000)] == [5, 5, 5, 6, 10, 100]


@pytest.mark.django_db
def test_order_ids_are_independent(make_item):
    item = make_item(quantity=3)
    ids = [str(uuid.uuid4()) for _ in range(3)]
    for order_id in ids:
        services.stock_reserve(order_id=order_id, items=[_line(item, 1)])

    item.refresh_from_db()
    assert item.available == 0

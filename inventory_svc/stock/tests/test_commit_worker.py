"""Commit and restock through the real worker: retried while too early, redelivered after a SIGKILL,
dead-lettered when they can never apply (a RabbitMQ vhost of their own, as in test_worker.py)."""

import pytest

from shared.events import names
from shared.testing.waiting import wait_until
from stock import services
from stock.models import Item, Movement, OrderReservation, Reservation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

COMMIT = names.COMMIT_STOCK_TASK, names.INVENTORY_COMMIT_QUEUE
RESTOCK = names.RESTOCK_TASK, names.INVENTORY_RESTOCK_QUEUE
RESERVE = names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE


def _line(item, quantity):
    return {"product_id": item.product_id, "quantity": quantity}


def _status(order_id):
    order = OrderReservation.objects.filter(order_id=order_id).first()
    return order.status if order else None


def _numbers(item):
    item = Item.objects.get(id=item.id)
    return item.quantity, item.reserved, item.available


def _done(log, task):
    """How many runs of ``task`` the worker's log reports finished."""
    lines = log.read_text().splitlines()
    return sum(f"Task {task}[" in line and "] succeeded in" in line for line in lines)


def _kinds(order_id):
    return sorted(Movement.objects.filter(order_id=order_id).values_list("kind", flat=True))


def test_a_commit_that_overtakes_its_reserve_is_retried_and_applies_once_the_reserve_arrives(
    worker, command, make_item, tmp_path
):
    item = make_item(quantity=10)
    log = tmp_path / "worker.log"
    worker(log=log)

    command(*COMMIT, {"order_id": "wc-early"})
    assert wait_until(lambda: "TooEarly" in log.read_text(), timeout=30)  # tried: too early, retried later
    assert _status("wc-early") is None  # and it left no trace
    command(*RESERVE, {"order_id": "wc-early", "items": [_line(item, 3)]})

    assert wait_until(lambda: _status("wc-early") == "committed", timeout=60)
    assert _numbers(item) == (7, 0, 7)
    assert _kinds("wc-early") == ["reserved", "shipped"]


def test_a_restock_that_overtakes_its_commit_waits_for_it_and_each_applies_once(
    worker, command, make_item, tmp_path
):
    item = make_item(quantity=10)
    services.stock_reserve(order_id="wr-early", items=[_line(item, 4)])
    log = tmp_path / "worker.log"
    worker(log=log)

    command(*RESTOCK, {"order_id": "wr-early"})
    assert wait_until(lambda: "TooEarly" in log.read_text(), timeout=30)
    assert _numbers(item) == (10, 4, 6)  # nothing returned before the goods left
    command(*COMMIT, {"order_id": "wr-early"})
    command(*COMMIT, {"order_id": "wr-early"})  # sent twice (a new envelope, as a re-sent outbox row)

    assert wait_until(lambda: _status("wr-early") == "returned", timeout=60)
    command(*RESTOCK, {"order_id": "wr-early"})  # and a late duplicate of the restock
    assert wait_until(lambda: _done(log, names.RESTOCK_TASK) == 2, timeout=30)
    assert _numbers(item) == (10, 0, 10)
    assert _kinds("wr-early") == ["reserved", "returned", "shipped"]


def test_a_worker_killed_mid_commit_leaves_stock_consistent_after_redelivery(
    worker, command, make_item, kill_mid_transaction
):
    mug, plate = make_item(quantity=10), make_item(quantity=5)
    services.stock_reserve(order_id="wc-kill", items=[_line(mug, 4), _line(plate, 2)])

    with kill_mid_transaction(worker, [mug.id, plate.id]):
        command(*COMMIT, {"order_id": "wc-kill"})
    worker()  # the unacknowledged message is delivered again

    assert wait_until(lambda: _status("wc-kill") == "committed", timeout=60)
    assert (_numbers(mug), _numbers(plate)) == ((6, 0, 6), (3, 0, 3))
    assert _kinds("wc-kill") == ["reserved", "reserved", "shipped", "shipped"]
    assert set(Reservation.objects.filter(order_id="wc-kill").values_list("status", flat=True)) == {
        "committed"
    }


def test_a_poison_commit_message_goes_to_the_dead_letter_queue(worker, send, queue_depths):
    worker()

    send(*COMMIT, {"not": "an envelope"})

    dead = f"{names.INVENTORY_COMMIT_QUEUE}.dead"
    assert wait_until(lambda: queue_depths(dead, names.INVENTORY_COMMIT_QUEUE) == (1, 0), timeout=30)


def test_a_commit_still_too_early_when_its_retries_run_out_is_dead_lettered_not_lost(
    worker, command, queue_depths
):
    worker()

    # As if it had been retried ten times already (the budget of retry_on): this try is the last.
    command(*COMMIT, {"order_id": "wc-never"}, retries=10)

    dead = f"{names.INVENTORY_COMMIT_QUEUE}.dead"
    assert wait_until(lambda: queue_depths(dead, names.INVENTORY_COMMIT_QUEUE) == (1, 0), timeout=30)
    assert _status("wc-never") is None

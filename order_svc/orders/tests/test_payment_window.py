"""The payment window: a confirmed order unpaid by its ``payment_due_at`` is cancelled by the scheduler's
sweep and its stock released (real FerretDB; beat and the worker run it in test_saga)."""

from datetime import timedelta

import pytest

from orders import repository, services
from orders.errors import PaymentRefused
from orders.tests.conftest import clear_outbox, outbox_of, pay_in_full, statuses_announced
from shared.events import names


def test_a_confirmed_order_is_due_for_payment_within_the_window(order_in, settings, alice_api):
    settings.ORDER_PAYMENT_WINDOW_MINUTES = 30

    order = order_in("confirmed")

    confirmed_at = order["status_history"][-1]["at"]
    assert order["payment_due_at"] - confirmed_at == pytest.approx(
        timedelta(minutes=30), abs=timedelta(seconds=1)
    )
    shown = alice_api.get(f"/api/v1/orders/{order['id']}").json()
    assert shown["payment_due_at"] == order["payment_due_at"].isoformat().replace("+00:00", "Z")
    assert order_in("pending")["payment_due_at"] is None


def test_an_order_unpaid_past_its_window_is_cancelled_and_its_stock_released(order_in, settings):
    # given a confirmed order whose window has passed, one still in its window, and a paid one
    settings.ORDER_PAYMENT_WINDOW_MINUTES = 0
    overdue = order_in("confirmed")
    settings.ORDER_PAYMENT_WINDOW_MINUTES = 30
    in_time, paid = order_in("confirmed"), order_in("paid")
    for order in (overdue, in_time, paid):
        clear_outbox(order["id"])

    # when the sweep runs (twice: the second finds nothing left to do)
    first, second = services.orders_cancel_unpaid(), services.orders_cancel_unpaid()

    # then only the overdue order is cancelled, with the reason, its release and its event
    assert (first, second) == ({"cancelled": 1}, {"cancelled": 0})
    cancelled = repository.get(overdue["id"])
    assert cancelled["status"] == "cancelled"
    last = cancelled["status_history"][-1]
    assert (last["reason"], last["actor"]) == ("not paid within 0 minutes", None)
    release = (names.RELEASE_STOCK_TASK, names.INVENTORY_RELEASE_QUEUE, {"order_id": overdue["id"]})
    assert outbox_of(overdue["id"]) == [release]
    assert statuses_announced(overdue["id"]) == [("confirmed", "cancelled")]
    assert repository.get(in_time["id"])["status"] == "confirmed"
    assert repository.get(paid["id"])["status"] == "paid"
    assert outbox_of(in_time["id"]) == outbox_of(paid["id"]) == []


def test_a_payment_after_the_cancel_is_refused(order_in, settings):
    settings.ORDER_PAYMENT_WINDOW_MINUTES = 0
    order = order_in("confirmed")
    services.orders_cancel_unpaid()

    with pytest.raises(PaymentRefused, match="'cancelled' takes no payment"):
        pay_in_full(order["id"])


def test_a_payment_before_the_sweep_keeps_the_order(order_in, settings):
    # given an order past its window that is paid before the sweep comes by
    settings.ORDER_PAYMENT_WINDOW_MINUTES = 0
    order = order_in("confirmed")
    pay_in_full(order["id"])

    assert services.orders_cancel_unpaid() == {"cancelled": 0}
    assert repository.get(order["id"])["status"] == "paid"


def test_an_order_confirmed_before_the_window_existed_is_due_from_its_confirmation(
    order_in, settings, orders_db
):
    # given an order confirmed long ago, stored before payment_due_at was kept
    order = order_in("confirmed")
    long_ago = order["status_history"][-1]["at"] - timedelta(hours=2)
    orders_db["orders"].update_one(
        {"_id": order["id"]},
        {"$unset": {"payment_due_at": ""}, "$set": {"status_history.1.at": long_ago}},
    )
    recent = order_in("confirmed")
    orders_db["orders"].update_one({"_id": recent["id"]}, {"$unset": {"payment_due_at": ""}})

    assert services.orders_cancel_unpaid() == {"cancelled": 1}
    assert repository.get(order["id"])["status_history"][-1]["reason"] == "not paid within 30 minutes"
    assert repository.get(recent["id"])["status"] == "confirmed"


def test_the_sweep_finds_its_orders_with_one_projected_query_and_changes_each_by_id(
    order_in, settings, mongo_commands
):
    settings.ORDER_PAYMENT_WINDOW_MINUTES = 0
    order = order_in("confirmed")
    mongo_commands.clear()

    services.orders_cancel_unpaid()

    finds = mongo_commands.filters("find", repository.COLLECTION)
    assert finds[0]["status"] == "confirmed"
    assert finds[1:] == [{"_id": order["id"]}]
    assert mongo_commands.filters("update", repository.COLLECTION) == [{"_id": order["id"]}]

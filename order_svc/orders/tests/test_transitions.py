"""The state machine (orders.statuses) through the services on the real FerretDB: every move a person may
request, what it writes for the stock and announces, and every refusal (changing nothing)."""

import pytest

from orders import repository, services
from orders.errors import StatusSetElsewhere, TransitionNotAllowed
from orders.statuses import REQUESTABLE, SET_ELSEWHERE, STATUSES, TRANSITIONS
from orders.tests.conftest import clear_outbox, outbox_of, statuses_announced
from shared.events import names

RELEASE = (names.RELEASE_STOCK_TASK, names.INVENTORY_RELEASE_QUEUE)
COMMIT = (names.COMMIT_STOCK_TASK, names.INVENTORY_COMMIT_QUEUE)
# Every move a status request makes: (from, to, the stock command it writes).
REQUESTED_MOVES = [
    ("pending", "cancelled", RELEASE),
    ("confirmed", "cancelled", RELEASE),
    ("paid", "processing", None),
    ("processing", "shipped", COMMIT),
    ("shipped", "delivered", None),
]


def test_the_machine_is_the_one_the_shop_runs():
    assert {
        "pending": {"confirmed", "failed", "cancelled"},
        "confirmed": {"paid", "cancelled"},
        "paid": {"processing", "refunded"},
        "processing": {"shipped", "refunded"},
        "shipped": {"delivered"},
        "delivered": {"refunded"},
    } == TRANSITIONS
    assert set(REQUESTABLE) | set(SET_ELSEWHERE) == set(STATUSES) - {"pending"}
    requested = {(a, b) for a, targets in TRANSITIONS.items() for b in targets if b in REQUESTABLE}
    assert requested == {(a, b) for a, b, _ in REQUESTED_MOVES}


@pytest.mark.parametrize(("current", "requested", "command"), REQUESTED_MOVES)
def test_a_requested_move_changes_the_status_writes_its_stock_command_and_announces_it(
    order_in, current, requested, command
):
    # given an order in the current status, its outbox sent
    order = order_in(current)
    clear_outbox(order["id"])

    # when staff request the move
    changed = services.order_set_status(
        order_id=order["id"], status=requested, reason="by the book", actor="staff@example.com"
    )

    # then the status, its history entry, the stock command and the event are written together
    assert changed["status"] == requested == repository.get(order["id"])["status"]
    last = changed["status_history"][-1]
    assert (last["status"], last["reason"], last["actor"]) == (requested, "by the book", "staff@example.com")
    assert outbox_of(order["id"]) == ([(*command, {"order_id": order["id"]})] if command else [])
    assert statuses_announced(order["id"]) == [(current, requested)]


@pytest.mark.parametrize("current", STATUSES)
def test_every_request_the_machine_does_not_allow_is_refused_and_changes_nothing(order_in, current):
    # given an order in the current status
    order = order_in(current)
    clear_outbox(order["id"])
    refused = [status for status in REQUESTABLE if status not in TRANSITIONS.get(current, set())]

    # when staff request each move the machine does not allow from there
    for requested in refused:
        with pytest.raises(TransitionNotAllowed, match=f"'{current}' cannot become '{requested}'"):
            services.order_set_status(order_id=order["id"], status=requested, actor="staff@example.com")

    # then nothing changed, nothing was written for the stock, nothing was announced
    stored = repository.get(order["id"])
    assert stored["status"] == current
    assert stored["status_history"] == order["status_history"]
    assert outbox_of(order["id"]) == [] and statuses_announced(order["id"]) == []


@pytest.mark.parametrize("current", ["pending", "confirmed", "paid"])
def test_a_status_request_never_sets_what_the_saga_a_payment_or_a_refund_sets(order_in, current):
    order = order_in(current)
    clear_outbox(order["id"])

    for requested, setter in SET_ELSEWHERE.items():
        with pytest.raises(StatusSetElsewhere) as refused:
            services.order_set_status(order_id=order["id"], status=requested, actor="staff@example.com")
        assert str(refused.value) == f"A status request cannot set {requested!r}: only {setter} does."

    assert repository.get(order["id"])["status"] == current
    assert outbox_of(order["id"]) == [] and statuses_announced(order["id"]) == []


@pytest.mark.parametrize("current", ["paid", "processing", "shipped", "delivered"])
def test_a_paid_order_is_refunded_not_cancelled(order_in, current):
    order = order_in(current)

    with pytest.raises(TransitionNotAllowed, match="A paid order is not cancelled but refunded") as refused:
        services.order_cancel(order_id=order["id"], actor="staff@example.com")

    assert ("once it is delivered" in str(refused.value)) == (current == "shipped")
    assert repository.get(order["id"])["status"] == current


def test_a_request_for_an_order_that_does_not_exist_is_none():
    assert services.order_set_status(order_id="no-such-order", status="processing") is None
    assert services.order_set_status(order_id="no-such-order", status="paid") is None

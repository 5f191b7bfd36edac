"""The saga's order side without a broker: replies, races, the re-drive (real MongoDB, real services)."""

import threading

import pytest

from orders import handlers, repository, services, tasks
from orders.errors import TransitionNotAllowed
from orders.tests.conftest import events_of, outbox_of
from shared.correlation import get_request_id
from shared.events import make_envelope, names


@pytest.fixture
def pending_order(alice, make_product):
    def make(quantity=1):
        product = make_product()
        order, _ = services.order_create(
            user_id=alice["id"], user_token=alice["token"],
            items=[{"product_id": product["id"], "quantity": quantity}],
        )  # fmt: skip
        return order

    return make


def _delivered(order_id):
    """Pretend the relay sent everything (the outbox emptied as after confirmed publishes)."""
    repository.outbox().delivered([m for m in repository.outbox().pending(100) if m.ref == order_id])


def _reply(task, data):
    return make_envelope(task, data, source="inventory_svc")


def test_a_reserved_reply_confirms_once(pending_order):
    order = pending_order()
    envelope = _reply(names.ORDER_INVENTORY_RESERVED_TASK, {"order_id": order["id"]})

    first = handlers.handle_inventory_reserved(envelope)
    second = handlers.handle_inventory_reserved(envelope)

    assert (first, second) == (True, False)
    stored = repository.get(order["id"])
    assert stored["status"] == "confirmed"
    assert [h["status"] for h in stored["status_history"]] == ["pending", "confirmed"]


def test_a_reply_task_runs_under_the_replys_correlation_id(pending_order):
    from config.celery import app  # noqa: F401  (building the app connects shared.celery's task hook)

    order = pending_order()
    data = {"order_id": order["id"]}
    reply = make_envelope(
        names.ORDER_INVENTORY_RESERVED_TASK, data, source="inventory_svc", correlation_id="r-9"
    )

    tasks.inventory_reserved.apply(kwargs=reply.as_dict()).get()

    confirmed = [e for e in events_of(order["id"]) if e["data"]["status"] == "confirmed"]
    assert [e["correlation_id"] for e in confirmed] == ["r-9"]
    assert get_request_id() is None  # the task's id ended with it


def test_a_failed_reply_fails_with_reason_and_shortages_once(pending_order):
    order = pending_order()
    shortages = [{"product_id": order["items"][0]["product_id"], "requested": 1, "available": 0}]
    envelope = _reply(
        names.ORDER_INVENTORY_FAILED_TASK,
        {"order_id": order["id"], "reason": "insufficient stock", "shortages": shortages},
    )

    assert handlers.handle_inventory_failed(envelope) is True
    assert handlers.handle_inventory_failed(envelope) is False
    assert (
        handlers.handle_inventory_reserved(
            _reply(names.ORDER_INVENTORY_RESERVED_TASK, {"order_id": order["id"]})
        )
        is True
    )

    stored = repository.get(order["id"])
    assert stored["status"] == "failed"
    assert stored["failure_reason"] == "insufficient stock"
    assert stored["shortages"] == shortages
    assert [h["status"] for h in stored["status_history"]] == ["pending", "failed"]


def test_a_late_reserved_reply_for_a_cancelled_order_releases_the_stock(pending_order):
    order = pending_order()
    services.order_cancel(order_id=order["id"])
    _delivered(order["id"])

    handlers.handle_inventory_reserved(_reply(names.ORDER_INVENTORY_RESERVED_TASK, {"order_id": order["id"]}))

    assert repository.get(order["id"])["status"] == "cancelled"
    assert outbox_of(order["id"]) == [
        (names.RELEASE_STOCK_TASK, names.INVENTORY_RELEASE_QUEUE, {"order_id": order["id"]})
    ]


def test_racing_status_changes_have_exactly_one_winner(pending_order):
    orders = [pending_order() for _ in range(3)]
    for order in orders:
        outcomes = []
        barrier = threading.Barrier(2)

        def confirm(order=order, outcomes=outcomes, barrier=barrier):
            barrier.wait()
            outcomes.append(("confirm", services.order_reserved(order_id=order["id"])))

        def cancel(order=order, outcomes=outcomes, barrier=barrier):
            barrier.wait()
            try:
                services.order_cancel(order_id=order["id"])
                outcomes.append(("cancel", True))
            except TransitionNotAllowed:
                outcomes.append(("cancel", False))

        threads = [threading.Thread(target=confirm), threading.Thread(target=cancel)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        stored = repository.get(order["id"])
        history = [h["status"] for h in stored["status_history"]]
        # Either order is fine, but every change is recorded once and the final state is consistent.
        assert history in (["pending", "confirmed", "cancelled"], ["pending", "cancelled"])
        assert stored["status"] == "cancelled"
        assert history.count("cancelled") == 1


def test_a_pending_order_is_redriven_then_failed_with_a_release(pending_order, settings):
    settings.ORDER_PENDING_TIMEOUT_SECONDS = 0
    settings.ORDER_MAX_REDRIVES = 2
    order = pending_order(quantity=2)
    command = outbox_of(order["id"])[0]

    # the command has not left yet (relay down): nothing is counted as a re-drive
    assert services.orders_redrive() == {"redriven": 0, "failed": 0}

    for expected in (1, 2):
        _delivered(order["id"])
        assert services.orders_redrive() == {"redriven": 1, "failed": 0}
        assert outbox_of(order["id"]) == [command]
        assert repository.collection().find_one({"_id": order["id"]})["redrives"] == expected

    _delivered(order["id"])
    assert services.orders_redrive() == {"redriven": 0, "failed": 1}
    stored = repository.get(order["id"])
    assert stored["status"] == "failed"
    assert stored["failure_reason"] == "inventory did not answer in time"
    assert outbox_of(order["id"]) == [
        (names.RELEASE_STOCK_TASK, names.INVENTORY_RELEASE_QUEUE, {"order_id": order["id"]})
    ]
    assert services.orders_redrive() == {"redriven": 0, "failed": 0}


def test_a_fresh_pending_order_is_left_alone(pending_order, settings):
    settings.ORDER_PENDING_TIMEOUT_SECONDS = 3600
    order = pending_order()
    _delivered(order["id"])

    assert services.orders_redrive() == {"redriven": 0, "failed": 0}
    assert outbox_of(order["id"]) == []


def test_two_racing_cancels_have_exactly_one_winner(pending_order):
    order = pending_order()
    barrier = threading.Barrier(4)
    outcomes = []

    def cancel():
        barrier.wait()
        try:
            services.order_cancel(order_id=order["id"])
            outcomes.append("won")
        except TransitionNotAllowed:
            outcomes.append("409")

    threads = [threading.Thread(target=cancel) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["409", "409", "409", "won"]
    assert [h["status"] for h in repository.get(order["id"])["status_history"]] == ["pending", "cancelled"]
    assert len(outbox_of(order["id"])) == 2  # the reserve, and one release


def test_a_status_change_reads_and_writes_the_order_by_id_alone(pending_order, mongo_commands):
    # FerretDB pushes only an _id filter down to its storage; any other field reads the whole collection.
    order = pending_order()
    mongo_commands.clear()

    returned, changed = repository.change(order["id"], lambda current: repository.Change(status="confirmed"))

    assert changed is True
    assert mongo_commands.filters("find", repository.COLLECTION) == [{"_id": order["id"]}]
    assert mongo_commands.filters("update", repository.COLLECTION) == [{"_id": order["id"]}]
    # What it returns is what it wrote, without reading it back.
    assert returned == repository.get(order["id"])
    assert [entry["status"] for entry in returned["status_history"]] == ["pending", "confirmed"]

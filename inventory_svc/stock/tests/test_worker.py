"""The saga's inventory worker for real: a Celery worker process on RabbitMQ (in a throwaway vhost)."""

import json

import pytest
from django.db import connection

from shared.events import make_envelope, names
from shared.messaging.pg_outbox.models import OutboxMessage
from shared.testing.waiting import wait_until
from stock.models import Movement, OrderReservation, Reservation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_reserve_command_is_executed_by_the_worker_and_answered(worker, command, make_item):
    item = make_item(quantity=10)
    worker()

    command(names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE,
          {"order_id": "w-1", "items": [{"product_id": item.product_id, "quantity": 3}]})  # fmt: skip

    assert wait_until(lambda: OrderReservation.objects.filter(order_id="w-1").exists(), timeout=30)
    item.refresh_from_db()
    assert item.reserved == 3


def test_the_worker_runs_a_command_under_its_correlation_id(worker, send, make_item, tmp_path):
    # given a reserve command sent on behalf of request "saga-req-7"
    item = make_item(quantity=10)
    log = tmp_path / "worker.log"
    worker(log=log)
    data = {"order_id": "w-corr", "items": [{"product_id": item.product_id, "quantity": 1}]}
    envelope = make_envelope(names.RESERVE_STOCK_TASK, data, source="order_svc", correlation_id="saga-req-7")

    # when the worker handles it
    send(names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE, envelope.as_dict())

    # then its answer and its event carry the command's id (shared.celery's task hook), and so does the
    # worker's log line about the task
    written = OutboxMessage.objects.filter(payload__data__order_id="w-corr")
    assert wait_until(lambda: written.count() == 2, timeout=30)
    assert sorted((m.payload["event_type"], m.payload["correlation_id"]) for m in written) == [
        (names.INVENTORY_RESERVED, "saga-req-7"),
        (names.ORDER_INVENTORY_RESERVED_TASK, "saga-req-7"),
    ]
    assert wait_until(lambda: "saga-req-7" in _request_ids(log), timeout=10)


def _request_ids(log):
    """The request ids of the worker's JSON log lines."""
    ids = set()
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            ids.add(json.loads(line).get("request_id"))
    return ids


def test_a_re_driven_reserve_whose_first_answer_was_lost_is_answered_again(worker, command, make_item):
    item = make_item(quantity=10)
    worker()
    reserve = {"order_id": "w-lost", "items": [{"product_id": item.product_id, "quantity": 2}]}
    answers = OutboxMessage.objects.filter(
        destination=names.INVENTORY_RESERVED_QUEUE,
        key=names.ORDER_INVENTORY_RESERVED_TASK,
        payload__data__order_id="w-lost",
    )
    command(names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE, reserve)
    assert wait_until(answers.exists, timeout=30)
    answers.delete()  # the first answer is lost before any relay sent it

    command(names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE, reserve)  # order_svc's re-drive

    assert wait_until(answers.exists, timeout=30)
    item.refresh_from_db()
    assert item.reserved == 2
    assert Movement.objects.filter(order_id="w-lost").count() == 1


def test_a_worker_killed_mid_task_leaves_stock_consistent_after_redelivery(
    worker, command, make_item, kill_mid_transaction
):
    item = make_item(quantity=10)
    line = {"product_id": item.product_id, "quantity": 4}
    with kill_mid_transaction(worker, [item.id]):
        command(names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE, {"order_id": "w-kill", "items": [line]})

    worker()  # the unacknowledged message is delivered again

    assert wait_until(lambda: OrderReservation.objects.filter(order_id="w-kill").exists(), timeout=60)
    item.refresh_from_db()
    assert item.reserved == 4
    assert Reservation.objects.filter(order_id="w-kill").count() == 1
    assert Movement.objects.filter(order_id="w-kill", kind="reserved").count() == 1


def test_a_poison_message_goes_to_the_dead_letter_queue(worker, send, queue_depths):
    worker()
    send(names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE, {"not": "an envelope"})

    dead = f"{names.ORDER_CREATED_QUEUE}.dead"
    assert wait_until(lambda: queue_depths(dead, names.ORDER_CREATED_QUEUE) == (1, 0), timeout=30)


def test_the_worker_keeps_its_database_connection_from_task_to_task(worker, command, make_item):
    item = make_item(quantity=10)
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        started = cursor.fetchone()[0]
    worker()

    for number in range(3):
        line = {"product_id": item.product_id, "quantity": 1}
        command(
            names.RESERVE_STOCK_TASK,
            names.ORDER_CREATED_QUEUE,
            {"order_id": f"w-keep-{number}", "items": [line]},
        )
    orders = OrderReservation.objects.filter(order_id__startswith="w-keep-")
    assert wait_until(lambda: orders.count() == 3, timeout=30)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT backend_start FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_start > %s",
            [started],
        )
        opened = [row[0] for row in cursor.fetchall()]
    # One connection, still open, opened before the first reservation: all three tasks used it.
    assert len(opened) == 1
    assert opened[0] < orders.order_by("created_at").first().created_at

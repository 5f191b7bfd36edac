"""The saga's inventory worker for real: a Celery worker process on RabbitMQ (in a throwaway vhost)."""

import os
import signal
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from shared.events import make_envelope, names
from shared.testing.rabbitmq import create_vhost, delete_vhost, queue_depth
from shared.testing.waiting import wait_until
from stock.models import Movement, OrderReservation, Reservation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
MANAGEMENT_PORT = int(os.environ.get("RABBITMQ_MANAGEMENT_PORT", "15672"))


@pytest.fixture
def broker(settings):
    url = create_vhost(settings.CELERY_BROKER_URL, MANAGEMENT_PORT)
    settings.CELERY_BROKER_URL = url
    yield url
    delete_vhost(url, MANAGEMENT_PORT)


@pytest.fixture
def worker(broker):
    """Start (and restart) a real worker against the test database and vhost."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "INVENTORY_EVENTS_TOPIC": settings.INVENTORY_EVENTS_TOPIC,
        "LOW_STOCK_STREAM": settings.LOW_STOCK_STREAM,
        "LOW_STOCK_CHANNEL": settings.LOW_STOCK_CHANNEL,
    }
    processes = []

    def start():
        queues = f"{names.ORDER_CREATED_QUEUE},{names.INVENTORY_RELEASE_QUEUE}"
        name = f"w{uuid.uuid4().hex[:6]}@test"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queues,
            "-c",
            "1",
            "-n",
            name,
        ]
        command += ["--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(30)


def _send(task, queue, kwargs):
    """Send through an explicit connection to the test vhost (the app's own pool may point elsewhere)."""
    from config.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
        app.send_task(task, kwargs=kwargs, queue=queue, connection=connection)


def _command(task, queue, data):
    _send(task, queue, make_envelope(task, data, source="order_svc").as_dict())


def test_a_reserve_command_is_executed_by_the_worker_and_answered(worker, make_item, broker):
    item = make_item(quantity=10)
    worker()

    _command(names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE,
          {"order_id": "w-1", "items": [{"product_id": item.product_id, "quantity": 3}]})  # fmt: skip

    assert wait_until(lambda: OrderReservation.objects.filter(order_id="w-1").exists(), timeout=30)
    item.refresh_from_db()
    assert item.reserved == 3


def test_a_worker_killed_mid_task_leaves_stock_consistent_after_redelivery(worker, make_item, broker):
    item = make_item(quantity=10)
    db = settings.DATABASES["default"]
    blocker = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname=db["NAME"]
    )
    # Hold the item's row lock, so the worker's reserve is mid-transaction when it is killed.
    blocker.execute("SELECT 1 FROM stock_item WHERE id = %s FOR UPDATE", [item.id])
    first = worker()
    _command(names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE,
          {"order_id": "w-kill", "items": [{"product_id": item.product_id, "quantity": 4}]})  # fmt: skip
    waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = %s"
    with connection.cursor() as cursor:

        def worker_is_blocked():
            cursor.execute(waiting, [db["NAME"]])
            return cursor.fetchone()[0] > 0

        assert wait_until(worker_is_blocked, timeout=30)
    first.send_signal(signal.SIGKILL)  # the whole worker, mid-task
    first.wait(10)
    time.sleep(1)
    blocker.rollback()
    blocker.close()

    worker()  # the unacknowledged message is delivered again

    assert wait_until(lambda: OrderReservation.objects.filter(order_id="w-kill").exists(), timeout=60)
    item.refresh_from_db()
    assert item.reserved == 4
    assert Reservation.objects.filter(order_id="w-kill").count() == 1
    assert Movement.objects.filter(order_id="w-kill", kind="reserved").count() == 1


def test_a_poison_message_goes_to_the_dead_letter_queue(worker, broker):
    worker()
    _send(names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE, {"not": "an envelope"})

    dead = f"{names.ORDER_CREATED_QUEUE}.dead"
    # The management API refreshes queue statistics every few seconds: wait for both numbers together.
    assert wait_until(
        lambda: (
            (
                queue_depth(broker, MANAGEMENT_PORT, dead),
                queue_depth(broker, MANAGEMENT_PORT, names.ORDER_CREATED_QUEUE),
            )
            == (1, 0)
        ),
        timeout=30,
    )


def test_the_worker_keeps_its_database_connection_from_task_to_task(worker, make_item, broker):
    item = make_item(quantity=10)
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        started = cursor.fetchone()[0]
    worker()

    for number in range(3):
        line = {"product_id": item.product_id, "quantity": 1}
        _command(
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

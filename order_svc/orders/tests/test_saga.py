"""The whole saga for real: order_svc's API, relay and Celery worker, inventory_svc's worker and relay,
on RabbitMQ in a throwaway vhost, with the running user_svc and product_svc.

Nothing of the running stack is disturbed: the inventory processes started here use a database of their
own (created and migrated here, dropped afterwards), a test Kafka topic and test Redis names; the order
processes use the tests' private MongoDB database. Items are put into that inventory database directly.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
from django.conf import settings as django_settings

from orders import repository
from orders.messages import REDRIVE_QUEUE
from orders.tests.conftest import MANAGEMENT_PORT, TEST_DB, login
from shared.events import names
from shared.events.scope import scoped
from shared.testing.fixtures import client_with
from shared.testing.kafka import read_all, scoped_topics
from shared.testing.rabbitmq import queue_depth
from shared.testing.waiting import wait_until

pytestmark = pytest.mark.slow
REDRIVE_PROCESSES = {"order-beat", "order-redrive-worker"}
REPO = Path(__file__).resolve().parents[3]
RUN = str(REPO / "deploy" / "stack" / "run.sh")


def _inventory_database_url() -> str:
    out = subprocess.run(
        [RUN, "inventory", "printenv", "DATABASE_URL"], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


@pytest.fixture(scope="module")
def inventory_db():
    """A fresh, migrated inventory_svc database for the test inventory worker."""
    base = _inventory_database_url()
    name = f"test_order_inv_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    migrate = ["python", "manage.py", "migrate", "--noinput", "-v0"]
    subprocess.run(
        [RUN, "inventory", "env", f"DATABASE_URL={url}", *migrate], check=True, capture_output=True
    )
    yield url
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def inventory_events_topic():
    """inventory.events in the tests' scope, for the inventory relay run here; the low-stock stream that
    relay fills in the same scope goes afterwards."""
    with scoped_topics(django_settings.KAFKA_BOOTSTRAP_SERVERS, names.INVENTORY_EVENTS_TOPIC):
        yield
    redis.Redis.from_url(django_settings.REDIS_URL).delete(scoped(names.LOW_STOCK_STREAM))


@pytest.fixture(scope="module")
def processes(broker_url, inventory_db, tmp_path_factory, inventory_events_topic):
    """Start/stop the saga's processes by name, in the tests' messaging scope (their environment carries
    it); all are stopped at the end of the module."""
    beats = tmp_path_factory.mktemp("heartbeats")
    suffix = uuid.uuid4().hex[:8]
    inventory_env = [
        f"DATABASE_URL={inventory_db}",
        f"CELERY_BROKER_URL={broker_url}",
        f"HEARTBEAT_FILE={beats / 'inventory-relay'}",
    ]
    order_env = {
        **os.environ,
        "MONGO_DB": TEST_DB,
        "CELERY_BROKER_URL": broker_url,
        "HEARTBEAT_FILE": str(beats / "order-relay"),
    }
    worker = ["celery", "-A", "config", "worker", "-c", "1", "--without-gossip", "--without-mingle",
              "--loglevel", "WARNING", "-n"]  # fmt: skip
    commands = {
        "inventory-worker": [
            RUN,
            "inventory",
            "env",
            *inventory_env,
            *worker,
            f"inv{suffix}@test",
            "-Q",
            f"{names.ORDER_CREATED_QUEUE},{names.INVENTORY_RELEASE_QUEUE}",
        ],
        "inventory-relay": [RUN, "inventory", "env", *inventory_env, "python", "manage.py", "relay_outbox"],
        "order-worker": [
            sys.executable,
            "-m",
            *worker,
            f"ord{suffix}@test",
            "-Q",
            f"{names.INVENTORY_RESERVED_QUEUE},{names.INVENTORY_FAILED_QUEUE}",
        ],
        "order-relay": [sys.executable, "manage.py", "relay_outbox"],
        # Started by the re-drive test only: beat every second, and a worker for the re-drive queue with
        # a one-second timeout and a single re-drive.
        "order-beat": [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel",
            "WARNING",
            "-s",
            str(beats / "beat-schedule"),
        ],
        "order-redrive-worker": [sys.executable, "-m", *worker, f"redrive{suffix}@test", "-Q", REDRIVE_QUEUE],
    }
    redrive_env = {
        **order_env,
        "ORDER_REDRIVE_INTERVAL_SECONDS": "1",
        "ORDER_PENDING_TIMEOUT_SECONDS": "1",
        "ORDER_MAX_REDRIVES": "1",
        "HEARTBEAT_FILE": str(beats / "order-beat"),
    }  # fmt: skip
    running: dict[str, subprocess.Popen] = {}

    class Processes:
        def start(self, name, **overrides):
            """Start process ``name``; ``overrides`` are settings of an order process's environment."""
            cwd = REPO / "order_svc"
            env = (
                redrive_env if name in REDRIVE_PROCESSES else order_env if name.startswith("order") else None
            )
            if overrides:
                env = {**env, **overrides}
            running[name] = subprocess.Popen(
                commands[name], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )

        def stop(self, name):
            process = running.pop(name)
            process.terminate()
            process.wait(30)

    manager = Processes()
    for name in commands:
        if name not in REDRIVE_PROCESSES:
            manager.start(name)
    yield manager
    for name in list(running):
        manager.stop(name)


@pytest.fixture
def stock(inventory_db):
    """Put an item into the test inventory database; read what it holds."""

    class Stock:
        def add(self, product, quantity):
            with psycopg.connect(inventory_db, autocommit=True) as db:
                db.execute(
                    "INSERT INTO stock_item (id, product_id, sku, quantity, reserved, reorder_threshold,"
                    " is_active, low_stock_alerted, created_at, updated_at)"
                    " VALUES (%s, %s, %s, %s, 0, 0, true, false, now(), now())",
                    [uuid.uuid4(), product["id"], product["sku"], quantity],
                )

        def reservation_status(self, order_id):
            with psycopg.connect(inventory_db) as db:
                row = db.execute(
                    "SELECT status FROM stock_orderreservation WHERE order_id = %s", [order_id]
                ).fetchone()
                return row and row[0]

        def drop_answers(self, order_id):
            """Delete the saga answers for ``order_id`` still in the outbox (as if lost); how many."""
            with psycopg.connect(inventory_db, autocommit=True) as db:
                return db.execute(
                    "DELETE FROM outbox_outboxmessage WHERE kind = 'celery'"
                    " AND payload -> 'data' ->> 'order_id' = %s",
                    [order_id],
                ).rowcount

        def reserved(self, product):
            with psycopg.connect(inventory_db) as db:
                return db.execute(
                    "SELECT reserved FROM stock_item WHERE product_id = %s", [product["id"]]
                ).fetchone()[0]

    return Stock()


def _status_becomes(order_id, status, timeout=45):
    return wait_until(
        lambda: (repository.get(order_id) or {}).get("status") == status, timeout=timeout, interval=0.2
    )


def _outbox_pending(order_id):
    return repository.collection().find_one({"_id": order_id})["outbox_pending"]


def _place(api, product, quantity):
    response = api.post(
        "/api/v1/orders/", {"items": [{"product_id": product["id"], "quantity": quantity}]}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_happy_path_ends_confirmed_with_the_stock_reserved(processes, alice, make_product, stock):
    product = make_product()
    stock.add(product, 10)
    api = client_with(login(alice["email"]))

    order = _place(api, product, 3)

    assert _status_becomes(order["id"], "confirmed"), repository.get(order["id"])
    assert stock.reserved(product) == 3
    history = api.get(f"/api/v1/orders/{order['id']}").json()["status_history"]
    assert [h["status"] for h in history] == ["pending", "confirmed"]


def test_the_request_id_of_the_order_follows_it_through_the_saga(processes, alice_api, make_product, stock):
    # given an order placed by a request with its id
    product = make_product()
    stock.add(product, 10)
    request_id = f"saga-{uuid.uuid4().hex[:12]}"
    response = alice_api.post(
        "/api/v1/orders/",
        {"items": [{"product_id": product["id"], "quantity": 1}]},
        format="json",
        HTTP_X_REQUEST_ID=request_id,
    )
    assert response.status_code == 201, response.json()
    order = response.json()

    # when the saga confirms it (the reserve command, inventory's worker and answer, order's worker)
    assert _status_becomes(order["id"], "confirmed")

    # then the confirmation, written by order's worker for inventory's answer, carries the request's id
    assert wait_until(lambda: _correlation_ids(order["id"]).get("confirmed") == request_id, timeout=30)
    assert _correlation_ids(order["id"]) == {"pending": request_id, "confirmed": request_id}


def _correlation_ids(order_id):
    """``{status: correlation_id}`` of the order's events on the tests' order events topic."""
    events = read_all(django_settings.KAFKA_BOOTSTRAP_SERVERS, names.ORDER_EVENTS_TOPIC, expect=1)
    return {event["data"]["status"]: event["correlation_id"] for key, event in events if key == order_id}


def test_insufficient_stock_ends_failed_with_the_shortages(processes, alice_api, make_product, stock):
    product = make_product()
    stock.add(product, 1)

    order = _place(alice_api, product, 5)

    assert _status_becomes(order["id"], "failed")
    failed = alice_api.get(f"/api/v1/orders/{order['id']}").json()
    assert failed["failure_reason"]
    assert failed["shortages"] == [{"product_id": product["id"], "requested": 5, "available": 1}]
    assert stock.reserved(product) == 0


def test_cancel_gives_the_stock_back(processes, alice_api, make_product, stock):
    product = make_product()
    stock.add(product, 10)
    order = _place(alice_api, product, 4)
    assert _status_becomes(order["id"], "confirmed")
    assert stock.reserved(product) == 4

    response = alice_api.delete(f"/api/v1/orders/{order['id']}")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert wait_until(lambda: stock.reserved(product) == 0, timeout=45)


def test_a_cancel_racing_the_reservation_still_releases(processes, alice_api, make_product, stock):
    product = make_product()
    stock.add(product, 10)
    processes.stop("inventory-worker")
    try:
        order = _place(alice_api, product, 2)
        cancelled = alice_api.delete(f"/api/v1/orders/{order['id']}")  # before inventory saw the reserve
        assert cancelled.status_code == 200
    finally:
        processes.start("inventory-worker")

    # both commands reach inventory, in either order; whatever the order, nothing stays held
    assert wait_until(lambda: stock.reservation_status(order["id"]) == "released", timeout=45)
    time.sleep(3)  # room for the other command (a reserve behind the release must move nothing)
    assert stock.reservation_status(order["id"]) == "released"
    assert stock.reserved(product) == 0
    assert repository.get(order["id"])["status"] == "cancelled"


def test_with_the_inventory_worker_stopped_orders_wait_then_complete(
    processes, alice_api, make_product, stock
):
    product = make_product()
    stock.add(product, 10)
    processes.stop("inventory-worker")
    try:
        orders = [_place(alice_api, product, 1) for _ in range(2)]
        # the reserve commands are out (confirmed by the broker), yet nobody answers: the orders wait
        assert wait_until(lambda: not any(_outbox_pending(o["id"]) for o in orders), timeout=30)
        time.sleep(3)
        assert stock.reserved(product) == 0
        assert all(repository.get(o["id"])["status"] == "pending" for o in orders)
    finally:
        processes.start("inventory-worker")

    assert all(_status_becomes(o["id"], "confirmed") for o in orders)
    assert stock.reserved(product) == 2


def test_a_poison_reply_goes_to_the_dead_letter_queue(processes, broker_url):
    from config.celery import app

    with app.connection_for_write(broker_url) as connection:
        app.send_task(names.ORDER_INVENTORY_RESERVED_TASK, kwargs={"not": "an envelope"},
                      queue=names.INVENTORY_RESERVED_QUEUE, connection=connection)  # fmt: skip

    dead = f"{names.INVENTORY_RESERVED_QUEUE}.dead"
    assert wait_until(lambda: queue_depth(broker_url, MANAGEMENT_PORT, dead) == 1, timeout=30)


def test_an_unanswered_order_is_redriven_then_failed_and_its_stock_released(
    processes, alice_api, make_product, stock
):
    # given inventory that does not answer, and beat re-driving after one second, once
    product = make_product()
    stock.add(product, 10)
    processes.stop("inventory-worker")
    processes.start("order-beat")
    processes.start("order-redrive-worker")
    try:
        order = _place(alice_api, product, 3)

        # then the order is re-driven once and failed, with a release after its reserve commands
        assert _status_becomes(order["id"], "failed", timeout=45)
        assert repository.collection().find_one({"_id": order["id"]})["redrives"] == 1
    finally:
        processes.stop("order-beat")
        processes.stop("order-redrive-worker")
        processes.start("inventory-worker")

    # when inventory comes back it reserves (the commands queued first) and then releases: nothing stays held
    assert wait_until(lambda: stock.reservation_status(order["id"]) == "released", timeout=45)
    assert stock.reserved(product) == 0
    assert repository.get(order["id"])["failure_reason"] == "inventory did not answer in time"


def test_a_reservation_whose_answer_was_lost_is_answered_again_when_re_driven(
    processes, alice_api, make_product, stock
):
    # given a reservation made, but its answer lost before inventory's relay sent it
    product = make_product()
    stock.add(product, 10)
    processes.stop("inventory-relay")
    try:
        order = _place(alice_api, product, 3)
        assert wait_until(lambda: stock.reservation_status(order["id"]) == "reserved", timeout=45)
        assert stock.drop_answers(order["id"]) == 1
    finally:
        processes.start("inventory-relay")
    time.sleep(3)
    assert repository.get(order["id"])["status"] == "pending"  # nobody told order_svc

    # when beat re-drives the order (inventory answers a known order with its answer again)
    processes.start("order-beat")
    processes.start("order-redrive-worker", ORDER_MAX_REDRIVES="10")
    try:
        # then the order is confirmed, its stock reserved once
        assert _status_becomes(order["id"], "confirmed", timeout=45), repository.get(order["id"])
    finally:
        processes.stop("order-beat")
        processes.stop("order-redrive-worker")
    confirmed = repository.collection().find_one({"_id": order["id"]})
    assert confirmed["redrives"] >= 1
    assert [h["status"] for h in confirmed["status_history"]] == ["pending", "confirmed"]
    assert stock.reserved(product) == 3


def test_a_confirmed_order_left_unpaid_is_cancelled_by_beat_and_its_stock_released(
    processes, alice_api, make_product, stock
):
    # given an order worker that gives a window of 0 minutes, and beat sweeping every second
    product = make_product()
    stock.add(product, 10)
    processes.stop("order-worker")
    processes.start("order-worker", ORDER_PAYMENT_WINDOW_MINUTES="0")
    processes.start("order-beat", ORDER_PAYMENT_SWEEP_SECONDS="1")
    processes.start("order-redrive-worker", ORDER_PENDING_TIMEOUT_SECONDS="60")  # no re-drive here
    try:
        # when an order is placed, reserved, confirmed and never paid
        order = _place(alice_api, product, 4)

        # then beat's sweep cancels it, and inventory gets the stock back
        assert _status_becomes(order["id"], "cancelled", timeout=45), repository.get(order["id"])
    finally:
        processes.stop("order-beat")
        processes.stop("order-redrive-worker")
        processes.stop("order-worker")
        processes.start("order-worker")
    cancelled = repository.get(order["id"])
    assert [h["status"] for h in cancelled["status_history"]] == ["pending", "confirmed", "cancelled"]
    assert cancelled["status_history"][-1]["reason"] == "not paid within 0 minutes"
    assert wait_until(lambda: stock.reservation_status(order["id"]) == "released", timeout=45)
    assert stock.reserved(product) == 0

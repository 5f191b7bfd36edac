import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection

from shared.events import make_envelope, names
from shared.events.scope import isolated
from shared.testing import jwt
from shared.testing.fixtures import (  # noqa: F401  (fixtures)
    api,
    client_with,
    customer_api,
    service_api,
    staff_api,
    staff_browser,
)
from shared.testing.kafka import scoped_topics
from shared.testing.rabbitmq import create_vhost, delete_vhost, queue_depth
from shared.testing.waiting import wait_until
from stock import services

MANAGEMENT_PORT = int(os.environ.get("RABBITMQ_MANAGEMENT_PORT", "15672"))
# The queues inventory-worker serves (deploy/Procfile).
WORKER_QUEUES = (
    names.ORDER_CREATED_QUEUE,
    names.INVENTORY_RELEASE_QUEUE,
    names.INVENTORY_COMMIT_QUEUE,
    names.INVENTORY_RESTOCK_QUEUE,
)


@pytest.fixture(scope="session", autouse=True)
def _messaging_scope():
    """Messages of the tests go to names no running process reads (shared.events.scope)."""
    with isolated(), scoped_topics(django_settings.KAFKA_BOOTSTRAP_SERVERS, names.INVENTORY_EVENTS_TOPIC):
        yield


@pytest.fixture
def make_item(db):
    def make(quantity=10, reorder_threshold=None, product_id=None, sku=None, name=""):
        product_id = product_id or f"p-{uuid.uuid4().hex[:10]}"
        return services.item_create(
            product_id=product_id,
            product_name=name,
            sku=sku or product_id.upper(),
            quantity=quantity,
            reorder_threshold=reorder_threshold,
        )

    return make


@pytest.fixture
def api_for():
    tokens = {
        None: None,
        "customer": jwt.access_token(is_staff=False),
        "staff": jwt.access_token(is_staff=True),
        "service": jwt.service_token("order"),
    }
    return lambda kind: client_with(tokens[kind])


# The saga's worker for real: Celery worker processes on RabbitMQ, in a throwaway vhost. -----------------


@pytest.fixture
def broker(settings):
    url = create_vhost(settings.CELERY_BROKER_URL, MANAGEMENT_PORT)
    settings.CELERY_BROKER_URL = url
    yield url
    delete_vhost(url, MANAGEMENT_PORT)


@pytest.fixture
def worker(broker, settings):
    """Start (and restart) a real worker against the test database and vhost."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    processes = []

    def start(log=None):
        """A worker process; with ``log`` (a path), its log lines (INFO and up) are written there."""
        name = f"w{uuid.uuid4().hex[:6]}@test"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", ",".join(WORKER_QUEUES)]
        command += ["-c", "1", "-n", name, "--without-gossip", "--without-mingle"]
        command += ["--loglevel", "INFO" if log else "WARNING"]
        output = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115  (the process keeps it)
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(30)


@pytest.fixture
def queue_depths(broker):
    """``queue_depths(*queues)``: how many messages each queue of the test vhost holds (the management
    API refreshes its statistics every few seconds: wait for the numbers together)."""
    return lambda *queues: tuple(queue_depth(broker, MANAGEMENT_PORT, queue) for queue in queues)


@pytest.fixture
def send(broker):
    """Send a task message as it is, through an explicit connection to the test vhost (the app's own pool
    may point elsewhere); ``options`` go to ``send_task`` (e.g. ``retries``)."""
    from config.celery import app

    def send(task, queue, kwargs, **options):
        with app.connection_for_write(broker) as conn:
            app.send_task(task, kwargs=kwargs, queue=queue, connection=conn, **options)

    return send


@pytest.fixture
def command(send):
    """Send a saga command as order_svc does: its envelope as the task's kwargs."""

    def command(task, queue, data, **options):
        send(task, queue, make_envelope(task, data, source="order_svc").as_dict(), **options)

    return command


@pytest.fixture
def kill_mid_transaction(settings):
    """``with kill_mid_transaction(worker, item_ids): <send a command>``: hold the items' row locks from
    another session, start a worker, and once its task waits on a lock (mid-transaction) SIGKILL the whole
    worker there, then let the rows go. The message was never acknowledged: the next worker gets it."""
    db = settings.DATABASES["default"]

    @contextmanager
    def rows_held(item_ids):
        blocker = psycopg.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname=db["NAME"]
        )
        try:
            blocker.execute("SELECT 1 FROM stock_item WHERE id = ANY(%s) FOR UPDATE", [list(item_ids)])
            yield
        finally:
            blocker.rollback()
            blocker.close()

    def worker_is_blocked():
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = %s"
        with connection.cursor() as cursor:
            cursor.execute(waiting, [db["NAME"]])
            return cursor.fetchone()[0] > 0

    @contextmanager
    def killed(start_worker, item_ids):
        with rows_held(item_ids):
            process = start_worker()
            yield  # the caller sends the command here
            assert wait_until(worker_is_blocked, timeout=30)
            process.send_signal(signal.SIGKILL)  # the whole worker, mid-task
            process.wait(10)
            time.sleep(1)

    return killed

"""RabbitMQ: a durable, confirmed publish and its consumption, and a Celery task run by a real worker."""

import os
import subprocess
import time
import uuid

import pytest
from kombu import Connection, Exchange, Queue

from tests.conftest import REPO_DIR, service_env, venv_bin


@pytest.fixture(scope="module")
def broker_url():
    return service_env("order")["CELERY_BROKER_URL"]


def test_durable_persistent_message_is_confirmed_and_consumed(broker_url):
    exchange = Exchange("stacktest", type="direct", durable=True)
    queue = Queue(f"stacktest.{uuid.uuid4().hex[:8]}", exchange, routing_key="probe", durable=True)
    with Connection(broker_url, transport_options={"confirm_publish": True}) as connection:
        bound = queue(connection.default_channel)
        bound.declare()
        try:
            # With confirm_publish, publish() returns only after the broker has taken the message.
            connection.Producer().publish(
                {"order_id": "o-1"}, exchange=exchange, routing_key="probe", delivery_mode=2
            )
            message = None
            deadline = time.monotonic() + 5
            while message is None and time.monotonic() < deadline:
                message = bound.get(no_ack=False)
            assert message is not None
            assert message.payload == {"order_id": "o-1"}
            assert message.delivery_info["routing_key"] == "probe"
            assert message.properties["delivery_mode"] == 2
            message.ack()
            assert bound.get() is None
        finally:
            bound.delete()


@pytest.fixture
def celery_worker(broker_url):
    queue = f"stacktest.celery.{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CELERY_BROKER_URL": broker_url}
    worker = subprocess.Popen(
        [
            venv_bin("celery"),
            "-A",
            "tests.stack.celery_probe",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "-n",
            f"{queue}@localhost",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield worker, queue
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        with Connection(broker_url) as connection:
            Queue(queue).bind(connection.default_channel).delete()


def test_celery_task_runs_in_a_real_worker(broker_url, celery_worker, monkeypatch):
    worker, queue = celery_worker
    monkeypatch.setenv("CELERY_BROKER_URL", broker_url)
    from tests.stack.celery_probe import describe

    result = describe.apply_async(args=(21,), queue=queue).get(timeout=60)

    assert result == {"pid": worker.pid, "doubled": 42}
    assert worker.pid != os.getpid()

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from confluent_kafka import Consumer, Producer, TopicPartition
from django.conf import settings as django_settings
from django.db import connection

from notifications.tests import mailpit
from shared.events import names
from shared.events.scope import isolated, scoped
from shared.testing.fixtures import api, customer_api, service_api, staff_api, staff_browser  # noqa: F401
from shared.testing.kafka import scoped_topics


@pytest.fixture(autouse=True)
def _isolated(settings):
    """A scope of the test's own (shared.events.scope: the stream, topics and consumer groups) and a
    channel-layer prefix, so tests never touch the real stream or topic nor see each other's alerts;
    the real SMTP server (Mailpit), where pytest-django would keep mail in memory; and quick SMTP
    retries."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    tag = uuid.uuid4().hex[:10]
    settings.LOW_STOCK_CONSUMER = f"test-consumer-{tag}"
    settings.CHANNEL_LAYERS = {
        "default": {
            **django_settings.CHANNEL_LAYERS["default"],
            "CONFIG": {**django_settings.CHANNEL_LAYERS["default"]["CONFIG"], "prefix": f"test:ws:{tag}:"},
        }
    }
    settings.NOTIFICATION_SEND_ATTEMPTS = 3
    settings.NOTIFICATION_SEND_BACKOFF_MS = 10
    settings.NOTIFICATION_SEND_BUDGET_MS = 10_000
    with isolated():
        yield
        client = redis_connection()
        client.delete(scoped(names.LOW_STOCK_STREAM))
    # Group memberships a socket cut short by the test could not remove (they would expire in a day).
    for key in client.scan_iter(match=f"test:ws:{tag}:*"):
        client.delete(key)


def redis_connection():
    return redis.Redis.from_url(django_settings.REDIS_URL)


@pytest.fixture
def stream(settings):
    """The test's stream, with the helpers tests need to write and inspect it."""

    class Stream:
        name = scoped(names.LOW_STOCK_STREAM)
        group = scoped(names.LOW_STOCK_GROUP)
        client = redis_connection()

        def add(self, fields):
            return self.client.xadd(self.name, fields)

        def pending(self):
            """How many entries were delivered to the group but not acknowledged."""
            try:
                return self.client.xpending(self.name, self.group)["pending"]
            except redis.ResponseError:  # no group yet
                return 0

    return Stream()


@pytest.fixture(scope="session")
def _addresses_used():
    """Every address the tests made; their messages leave Mailpit at the end of the session, when
    Mailpit has surely stored them all (it indexes a message a moment after accepting it)."""
    addresses = []
    yield addresses
    time.sleep(0.5)
    for address in addresses:
        mailpit.delete_messages_to(address)


@pytest.fixture
def recipient(_addresses_used):
    """A unique address, so a test finds exactly its own messages in the shared Mailpit."""

    def make():
        address = f"ops-{uuid.uuid4().hex[:12]}@example.test"
        _addresses_used.append(address)
        return address

    return make


@pytest.fixture
def admins(settings, recipient):
    """ADMIN_ALERT_EMAILS set to two fresh addresses."""
    settings.ADMIN_ALERT_EMAILS = [recipient(), recipient()]
    return settings.ADMIN_ALERT_EMAILS


@pytest.fixture
def smtp_down(settings):
    # Nothing listens on port 1 of loopback: every connection is refused at once.
    settings.EMAIL_PORT = 1


MANAGE_PY = Path(__file__).resolve().parents[2] / "manage.py"


class CommandProcess:
    """A real ``manage.py <command>`` (listen_low_stock, consume_order_events) in a subprocess, on the
    test's stream, topic, consumer groups and database."""

    def __init__(self, command, settings, log_path, heartbeat_path):
        self.command = command
        self.settings = settings
        self.log_path = log_path
        self.heartbeat_path = heartbeat_path
        self.process = None

    def start(self, **overrides):
        database = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**database),
            "LOW_STOCK_CONSUMER": self.settings.LOW_STOCK_CONSUMER,
            "LOW_STOCK_BLOCK_MS": "300",
            "ADMIN_ALERT_EMAILS": ",".join(self.settings.ADMIN_ALERT_EMAILS),
            "CHANNEL_LAYER_PREFIX": self.settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
            "EMAIL_PORT": str(self.settings.EMAIL_PORT),
            "NOTIFICATION_SEND_ATTEMPTS": str(self.settings.NOTIFICATION_SEND_ATTEMPTS),
            "NOTIFICATION_SEND_BACKOFF_MS": str(self.settings.NOTIFICATION_SEND_BACKOFF_MS),
            "LOW_STOCK_CLAIM_IDLE_MS": "60000",
            "HEARTBEAT_FILE": str(self.heartbeat_path),
            **{name: str(value) for name, value in overrides.items()},
        }
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(MANAGE_PY), self.command],
                cwd=MANAGE_PY.parent,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def stop(self, timeout=15.0) -> int:
        """SIGTERM, and the exit status once it stopped."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def kill(self) -> None:
        """SIGKILL: a crash, nothing runs after it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text()


@pytest.fixture
def listener(settings, transactional_db, tmp_path):
    """``manage.py listen_low_stock``: start it with ``listener.start(**env overrides)``; it is stopped
    after the test whatever happens (before the test database is emptied: this fixture depends on it)."""
    process = CommandProcess("listen_low_stock", settings, tmp_path / "listener.log", tmp_path / "heartbeat")
    yield process
    if process.running():
        process.kill()


@pytest.fixture
def order_consumer(settings, transactional_db, tmp_path, order_events):
    """``manage.py consume_order_events`` on the test's topic and group, like ``listener``."""
    process = CommandProcess(
        "consume_order_events", settings, tmp_path / "consumer.log", tmp_path / "heartbeat"
    )
    yield process
    if process.running():
        process.kill()


@pytest.fixture
def order_events(settings):
    """order.events and NOTIFICATION_ORDER_GROUP in the test's scope (the topic made here and deleted
    afterwards), with the helpers to write to the topic and see how far the group has committed."""
    bootstrap = settings.KAFKA_BOOTSTRAP_SERVERS
    with scoped_topics(bootstrap, names.ORDER_EVENTS_TOPIC) as (topic,):
        yield OrderEventsTopic(bootstrap, topic, scoped(names.NOTIFICATION_ORDER_GROUP))


class OrderEventsTopic:
    def __init__(self, bootstrap, name, group):
        self.bootstrap = bootstrap
        self.name = name
        self.group = group
        self._producer = Producer({"bootstrap.servers": bootstrap})

    def publish(self, *envelopes):
        """Each envelope as order_svc's relay sends it: key = order id, value = the envelope's JSON."""
        for envelope in envelopes:
            self.publish_raw(envelope.data["order_id"], envelope.to_json())

    def publish_raw(self, key, value):
        self._producer.produce(self.name, key=key, value=value)
        assert self._producer.flush(10) == 0

    def positions(self, group=None) -> dict[int, tuple[int, int]]:
        """``{partition: (committed offset, end offset)}`` for ``group`` (the test's by default);
        a partition with nothing committed shows -1001 (librdkafka's "invalid offset")."""
        probe = Consumer({"bootstrap.servers": self.bootstrap, "group.id": group or self.group})
        try:
            partitions = probe.list_topics(self.name, timeout=10).topics[self.name].partitions
            committed = probe.committed([TopicPartition(self.name, p) for p in partitions], timeout=10)
            return {
                tp.partition: (tp.offset, probe.get_watermark_offsets(tp, timeout=10)[1]) for tp in committed
            }
        finally:
            probe.close()

    def all_committed(self, group=None) -> bool:
        """Every message on the topic is committed by ``group`` (partitions never written excepted)."""
        return all(end == 0 or committed == end for committed, end in self.positions(group).values())

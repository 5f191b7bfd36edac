"""The real ``manage.py consume_order_events`` process against the real Kafka, database and Mailpit:
nothing lost while it is stopped or while Kafka is unreachable, nothing sent twice after a crash."""

import contextlib
import socket
import threading
import time

import pytest

from notifications.models import Notification
from notifications.tests import mailpit
from notifications.tests.factories import order_status_changed
from notifications.tests.tcp_proxy import TcpProxy
from shared.testing.waiting import wait_until

pytestmark = pytest.mark.slow


def _statuses():
    return sorted(Notification.objects.values_list("status", flat=True))


def _sent(count, timeout=30.0):
    return wait_until(lambda: _statuses() == ["sent"] * count, timeout=timeout, interval=0.2)


def test_events_produced_while_the_consumer_is_stopped_are_handled_once_it_starts(
    order_consumer, order_events, recipient
):
    first = recipient()
    order_consumer.start()
    order_events.publish(order_status_changed(customer_email=first))
    assert _sent(1), order_consumer.log()
    assert order_consumer.stop() == 0  # SIGTERM: a clean exit

    later = [recipient() for _ in range(3)]
    order_events.publish(
        *(order_status_changed(customer_email=address) for address in later),
        order_status_changed("delivered", previous_status="shipped", customer_email=first),
    )
    time.sleep(0.5)
    assert _statuses() == ["sent"]
    order_consumer.start()

    assert _sent(4), order_consumer.log()
    assert wait_until(order_events.all_committed, timeout=20, interval=0.3)
    assert [len(mailpit.wait_for_messages(address)) for address in [first, *later]] == [1, 1, 1, 1]
    assert order_consumer.stop() == 0


def test_a_consumer_killed_after_storing_but_before_committing_sends_one_email_after_its_restart(
    order_consumer, order_events, recipient, silent_smtp
):
    customer = recipient()
    # The SMTP server accepts the connection and never answers: the row is stored and committed in
    # the database, the send hangs, the offset is not committed yet. Then the process is killed.
    order_consumer.start(EMAIL_PORT=silent_smtp.port)
    order_events.publish(order_status_changed(customer_email=customer))
    assert wait_until(lambda: _statuses() == ["pending"] and silent_smtp.connections, timeout=30), (
        order_consumer.log()
    )
    order_consumer.kill()
    assert not order_events.all_committed()

    order_consumer.start()  # the same group, with the real SMTP server

    assert _sent(1), order_consumer.log()
    assert wait_until(order_events.all_committed, timeout=20, interval=0.3)
    time.sleep(0.5)  # a second email would have arrived by now
    assert len(mailpit.messages_to(customer)) == 1
    notification = Notification.objects.get()
    assert notification.attempts == 1  # the killed attempt never finished
    assert order_consumer.stop() == 0


def test_the_consumer_keeps_running_while_kafka_is_unreachable_and_consumes_once_it_is_back(
    order_consumer, order_events, recipient, settings, tmp_path
):
    customer = recipient()
    host, port = settings.KAFKA_BOOTSTRAP_SERVERS.split(",")[0].rsplit(":", 1)
    proxy = TcpProxy(host, int(port))  # not started: nothing answers on its port yet
    heartbeat = tmp_path / "heartbeat"
    try:
        order_consumer.start(KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{proxy.port}")
        order_events.publish(order_status_changed(customer_email=customer))
        assert wait_until(heartbeat.exists, timeout=15), order_consumer.log()
        beat = heartbeat.stat().st_mtime
        assert wait_until(lambda: heartbeat.stat().st_mtime > beat, timeout=10)  # alive all along
        time.sleep(1)
        assert order_consumer.running()
        assert _statuses() == []

        proxy.start()  # Kafka is reachable again

        assert _sent(1, timeout=45), order_consumer.log()
        assert wait_until(order_events.all_committed, timeout=20, interval=0.3)
        assert len(mailpit.wait_for_messages(customer)) == 1
    finally:
        proxy.stop()
    assert order_consumer.stop() == 0


@pytest.fixture
def silent_smtp():
    """A server that accepts connections and never says a word (no SMTP greeting)."""
    server = SilentServer()
    yield server
    server.close()


class SilentServer:
    def __init__(self):
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self._server.accept()
            except OSError:  # closed
                return
            self.connections.append(connection)

    def close(self):
        for sock in [self._server, *self.connections]:
            with contextlib.suppress(OSError):
                sock.close()

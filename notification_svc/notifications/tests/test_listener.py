"""The real ``manage.py listen_low_stock`` process against the real Redis stream, database and Mailpit:
nothing lost while it is stopped or after a crash, nothing sent twice, poison entries skipped."""

import time
from urllib.parse import urlsplit

import pytest

from notifications.models import Notification
from notifications.tests import mailpit
from notifications.tests.factories import low_stock_event
from notifications.tests.sockets import run, socket
from notifications.tests.tcp_proxy import TcpProxy
from shared.events import PRODUCT_DELETED, make_envelope
from shared.messaging.redis_streams import stream_entry
from shared.testing import jwt
from shared.testing.waiting import wait_until

pytestmark = pytest.mark.slow


def _statuses():
    return sorted(Notification.objects.values_list("status", flat=True))


def _sent(count, timeout=20.0):
    return wait_until(lambda: _statuses() == ["sent"] * count, timeout=timeout, interval=0.2)


def test_an_event_on_the_stream_is_emailed_once_and_acknowledged_even_when_added_twice(
    listener, stream, settings, recipient
):
    settings.ADMIN_ALERT_EMAILS = [recipient()]
    event = low_stock_event(sku="LAMP-1", correlation_id="req-lamp-1")
    listener.start()

    stream.add(stream_entry(event))
    assert _sent(1), listener.log()
    stream.add(stream_entry(event))  # the producer sent it twice
    assert wait_until(lambda: stream.pending() == 0 and _entries_read(stream) == 2, timeout=10)

    time.sleep(0.5)  # a second email would have arrived by now
    (summary,) = mailpit.messages_to(settings.ADMIN_ALERT_EMAILS[0])
    assert summary["Subject"] == "Low stock: LAMP-1 (3 left)"
    notification = Notification.objects.get()
    assert (str(notification.event_id), notification.attempts) == (event.event_id, 1)
    assert '"request_id": "req-lamp-1"' in listener.log()  # the producer's correlation id, logged
    assert listener.running()


def test_events_added_while_the_listener_is_stopped_are_all_sent_once_it_starts(
    listener, stream, settings, recipient
):
    settings.ADMIN_ALERT_EMAILS = [recipient()]
    listener.start()
    stream.add(stream_entry(low_stock_event()))
    assert _sent(1), listener.log()

    assert listener.stop() == 0  # SIGTERM: a clean exit
    for _ in range(3):
        stream.add(stream_entry(low_stock_event()))
    time.sleep(0.5)
    assert _statuses() == ["sent"]
    listener.start()

    assert _sent(4), listener.log()
    assert len(mailpit.wait_for_messages(settings.ADMIN_ALERT_EMAILS[0], count=4)) == 4
    assert stream.pending() == 0


def test_an_entry_delivered_but_never_acknowledged_before_a_crash_is_handled_after_the_restart(
    listener, stream, settings, recipient
):
    settings.ADMIN_ALERT_EMAILS = [recipient()]
    # The listener reads the entry, but cannot store it (the database refuses connections), so it
    # never acknowledges it; then it is killed outright.
    listener.start(DATABASE_URL="postgres://nobody:nothing@127.0.0.1:1/none")
    stream.add(stream_entry(low_stock_event()))
    assert wait_until(lambda: stream.pending() == 1, timeout=15), listener.log()
    listener.kill()
    assert _statuses() == []

    listener.start()  # the same consumer name, as after a restart on the same host

    assert _sent(1), listener.log()
    assert stream.pending() == 0
    assert len(mailpit.wait_for_messages(settings.ADMIN_ALERT_EMAILS[0])) == 1


def test_entries_left_pending_by_a_consumer_that_never_returned_are_claimed(
    listener, stream, settings, recipient
):
    settings.ADMIN_ALERT_EMAILS = [recipient()]
    stream.client.xgroup_create(stream.name, stream.group, id="0", mkstream=True)
    stream.add(stream_entry(low_stock_event()))
    stream.client.xreadgroup(stream.group, "a-container-long-gone", {stream.name: ">"}, count=10)
    assert stream.pending() == 1

    listener.start(LOW_STOCK_CLAIM_IDLE_MS=300)

    assert _sent(1), listener.log()
    assert stream.pending() == 0


def test_poison_entries_are_acknowledged_and_skipped_without_blocking_the_stream(
    listener, stream, settings, recipient
):
    settings.ADMIN_ALERT_EMAILS = [recipient()]
    valid = low_stock_event()
    stream.add({"envelope": "{not json"})
    stream.add({"envelope": b"\xff\xfe not utf-8"})
    stream.add({"envelope": valid.to_json().replace("inventory.low_stock", "inventory.unheard_of")})
    stream.add({"envelope": valid.to_json().replace('"sku"', '"skew"')})
    stream.add(stream_entry(make_envelope(PRODUCT_DELETED, {"product_id": "p-1"}, source="product_svc")))
    stream.add({"something": "else", "entirely": "1"})
    stream.add(stream_entry(valid))
    listener.start()

    assert _sent(1), listener.log()
    assert wait_until(lambda: stream.pending() == 0 and _entries_read(stream) == 7, timeout=10)
    assert str(Notification.objects.get().event_id) == valid.event_id
    log = listener.log()
    assert log.count("skipping stream entry") == 6
    assert "not JSON" in log and "unknown event_type 'inventory.unheard_of'" in log
    assert "no handler for event_type 'product.deleted'" in log
    assert listener.running()


def test_smtp_down_leaves_a_failed_notification_with_the_error_and_the_entry_acknowledged(
    listener, stream, settings, recipient
):
    settings.ADMIN_ALERT_EMAILS = [recipient()]
    listener.start(EMAIL_PORT=1)

    stream.add(stream_entry(low_stock_event()))

    assert wait_until(lambda: _statuses() == ["failed"], timeout=20), listener.log()
    failed = Notification.objects.get()
    assert failed.attempts == 3
    assert failed.error.startswith("ConnectionRefusedError")
    assert wait_until(lambda: stream.pending() == 0, timeout=5)
    assert listener.running()


def test_the_listener_keeps_running_while_redis_is_unreachable_and_catches_up_when_it_returns(
    listener, stream, settings, recipient, tmp_path
):
    settings.ADMIN_ALERT_EMAILS = [recipient()]
    redis_address = urlsplit(settings.REDIS_URL)
    proxy = TcpProxy(redis_address.hostname, redis_address.port).start()
    heartbeat = tmp_path / "heartbeat"
    try:
        listener.start(REDIS_URL=f"redis://127.0.0.1:{proxy.port}/0")
        stream.add(stream_entry(low_stock_event()))
        assert _sent(1), listener.log()

        proxy.stop()  # Redis is gone for the listener
        stream.add(stream_entry(low_stock_event()))
        assert wait_until(lambda: "stream listener failed, retrying" in listener.log(), timeout=10)
        beat = heartbeat.stat().st_mtime
        assert wait_until(lambda: heartbeat.stat().st_mtime > beat, timeout=10)  # alive all along
        assert listener.running()
        assert _statuses() == ["sent"]

        proxy.start()

        assert _sent(2), listener.log()
        assert wait_until(lambda: stream.pending() == 0, timeout=5)
    finally:
        proxy.stop()
    assert listener.stop() == 0


def test_a_staff_websocket_gets_the_alert_of_an_event_the_listener_read(
    listener, stream, settings, recipient
):
    settings.ADMIN_ALERT_EMAILS = [recipient()]
    event = low_stock_event()
    listener.start()

    async def scenario():
        staff = socket(jwt.access_token(is_staff=True))
        assert (await staff.connect())[0]
        stream.add(stream_entry(event))
        alert = await staff.receive_json_from(timeout=20)
        await staff.disconnect()
        return alert

    alert = run(scenario)

    assert (alert["event_id"], alert["data"]) == (event.event_id, event.data)


def _entries_read(stream):
    """Entries the group has read (acknowledged or not): its last-delivered id's position."""
    group = next(g for g in stream.client.xinfo_groups(stream.name) if g["name"].decode() == stream.group)
    return group["entries-read"]

"""The order-events consumer (the shared Kafka loop with this service's handler) against the real Kafka,
database and Mailpit: a shipped order emails its customer once, whatever else is on the topic."""

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connections

from notifications.models import Notification
from notifications.order_events import OrderEventsConsumer
from notifications.tests import mailpit
from notifications.tests.factories import order_status_changed
from shared.events import NOTIFICATION_ORDER_GROUP, PRODUCT_CREATED, make_envelope
from shared.events.scope import scoped
from shared.testing.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def consuming(tmp_path, **options):
    """The consumer's real loop (``run_forever``) in a thread, on the test's topic and group."""
    consumer = OrderEventsConsumer(heartbeat_file=str(tmp_path / "heartbeat"), poll_seconds=0.2, **options)

    def run():
        try:
            consumer.run_forever()
        finally:
            connections.close_all()  # the thread's connection to the test database

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield consumer
    finally:
        consumer.stop()
        thread.join(20)
        assert not thread.is_alive()


def _committed(order_events, group=None, timeout=30.0):
    return wait_until(lambda: order_events.all_committed(group), timeout=timeout, interval=0.3)


def test_a_shipped_order_emails_its_customer_once_with_the_order_and_its_total(
    order_events, recipient, tmp_path, settings
):
    customer = recipient()
    event = order_status_changed(order_id="o-1001", total="123.45", currency="EUR", customer_email=customer)
    order_events.publish(event)

    with consuming(tmp_path):
        assert _committed(order_events)

    (summary,) = mailpit.wait_for_messages(customer)
    full = mailpit.message(summary["ID"])
    assert full["Subject"] == "Your order o-1001 has shipped"
    assert [to["Address"] for to in full["To"]] == [customer]
    assert full["From"]["Address"] == settings.DEFAULT_FROM_EMAIL
    assert "Order: o-1001" in full["Text"] and "Total: 123.45 EUR" in full["Text"]
    assert "<strong>o-1001</strong>" in full["HTML"] and "<td>123.45 EUR</td>" in full["HTML"]
    notification = Notification.objects.get()
    assert (notification.kind, notification.status, notification.recipient, notification.attempts) == (
        "order_shipped", "sent", customer, 1
    )  # fmt: skip
    assert str(notification.event_id) == event.event_id


def test_the_same_event_twice_and_a_replay_from_the_start_send_one_email(order_events, recipient, tmp_path):
    customer = recipient()
    event = order_status_changed(customer_email=customer)
    order_events.publish(event, event)  # the outbox relay sent it twice (a crash before its bookkeeping)

    with consuming(tmp_path):
        assert _committed(order_events)
    # A new group reads the topic from offset 0: what a consumer killed before any commit would see.
    with consuming(tmp_path, group_id=f"{NOTIFICATION_ORDER_GROUP}-replay"):
        assert _committed(order_events, group=scoped(f"{NOTIFICATION_ORDER_GROUP}-replay"))

    time.sleep(0.5)  # a second email would have arrived by now
    assert len(mailpit.messages_to(customer)) == 1
    assert Notification.objects.count() == 1


def test_other_statuses_are_read_and_committed_and_email_nobody(order_events, recipient, tmp_path):
    customer = recipient()
    order_events.publish(
        order_status_changed("pending", previous_status=None, customer_email=customer),
        *(
            order_status_changed(status, customer_email=customer)
            for status in ("confirmed", "failed", "cancelled", "paid", "processing", "delivered", "refunded")
        ),
    )

    with consuming(tmp_path):
        assert _committed(order_events)

    time.sleep(0.5)
    assert mailpit.messages_to(customer) == []
    assert Notification.objects.count() == 0


def test_a_shipped_order_without_a_usable_address_is_committed_and_logged(
    order_events, recipient, tmp_path, caplog
):
    order_events.publish(
        order_status_changed(order_id="o-no-address", customer_email=None),
        order_status_changed(order_id="o-bad-address", customer_email="not an address"),
    )

    with consuming(tmp_path):
        assert _committed(order_events)

    assert Notification.objects.count() == 0
    assert "order o-no-address shipped without a usable customer_email (None)" in caplog.text
    assert "order o-bad-address shipped without a usable customer_email ('not an address')" in caplog.text


def test_malformed_messages_are_logged_and_skipped_without_blocking_the_partition(
    order_events, recipient, tmp_path, caplog
):
    customer = recipient()
    valid = order_status_changed(order_id="o-same-key", customer_email=customer)
    # All on the valid event's key: the same partition, in front of it.
    for poison in (
        b"{not json",
        b"\xff\xfe not utf-8",
        valid.to_json().replace("order.status_changed", "order.unheard_of"),
        valid.to_json().replace('"total"', '"totle"'),
    ):
        order_events.publish_raw("o-same-key", poison)
    other = make_envelope(PRODUCT_CREATED, _product(), source="product_svc")
    order_events.publish_raw("o-same-key", other.to_json())  # valid, but not an order event
    order_events.publish(valid)

    with consuming(tmp_path):
        assert _committed(order_events)

    assert len(mailpit.wait_for_messages(customer)) == 1
    assert str(Notification.objects.get().event_id) == valid.event_id
    assert caplog.text.count("skipping invalid message") == 4
    assert "not JSON" in caplog.text and "unknown event_type 'order.unheard_of'" in caplog.text
    assert "missing ['total']" in caplog.text
    assert "product.created has no handler here; skipped" in caplog.text


def _product():
    return {
        "product_id": "p-1",
        "sku": "S",
        "name": "N",
        "category": "c",
        "price": "1.00",
        "initial_stock": 1,
    }

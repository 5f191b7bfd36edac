"""handle_low_stock against the real database, Mailpit and Redis: emails once per event and recipient."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from notifications import services
from notifications.handlers import handle_low_stock
from notifications.models import Notification
from notifications.tests import mailpit
from notifications.tests.factories import low_stock_event

# Emails go out after the commit: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_low_stock_event_emails_each_admin_once_with_the_details_and_the_admin_link(admins, settings):
    settings.INVENTORY_ADMIN_URL = "http://inventory.test/admin/?product_id={product_id}&sku={sku}"
    event = low_stock_event(sku="MUG-1", available=2, reorder_threshold=5)

    handle_low_stock(event)

    rows = Notification.objects.order_by("recipient")
    assert [(n.recipient, n.status, n.kind, n.attempts) for n in rows] == [
        (address, "sent", "low_stock", 1) for address in sorted(admins)
    ]
    assert all(str(n.event_id) == event.event_id and n.sent_at for n in rows)
    link = f"http://inventory.test/admin/?product_id={event.data['product_id']}&sku=MUG-1"
    for address in admins:
        (summary,) = mailpit.wait_for_messages(address)
        full = mailpit.message(summary["ID"])
        assert full["Subject"] == "Low stock: MUG-1 (2 left)"
        assert [to["Address"] for to in full["To"]] == [address]
        assert full["From"]["Address"] == settings.DEFAULT_FROM_EMAIL
        for text in (event.data["product_id"], "MUG-1", "Available:         2", "threshold: 5", link):
            assert text in full["Text"]
        assert f'<a href="{link.replace("&", "&amp;")}">' in full["HTML"]
        assert "<td>2</td>" in full["HTML"] and "<td>5</td>" in full["HTML"]


def test_the_same_event_twice_sends_one_email_per_admin(admins):
    event = low_stock_event()

    handle_low_stock(event)
    handle_low_stock(event)

    assert Notification.objects.count() == 2
    time.sleep(0.5)  # a second email would have arrived by now
    assert [len(mailpit.messages_to(address)) for address in admins] == [1, 1]


def test_rows_left_pending_by_a_crash_are_sent_when_the_event_is_delivered_again(admins):
    event = low_stock_event()
    services.notification_record_low_stock(envelope=event)  # stored, then the process died
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}

    handle_low_stock(event)

    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert [len(mailpit.wait_for_messages(address)) for address in admins] == [1, 1]


def test_two_processes_sending_the_same_row_at_once_send_one_email(admins, settings):
    settings.ADMIN_ALERT_EMAILS = admins[:1]
    (notification_id,) = services.notification_record_low_stock(envelope=low_stock_event()).pending_ids
    start = threading.Barrier(2)

    def send():
        start.wait()
        try:
            return services.notification_send(notification_id=notification_id)
        finally:
            connection.close()  # each thread has its own connection to the test database

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda _: send(), range(2)))

    assert sorted(outcome is None for outcome in outcomes) == [False, True]  # one sent, one stood aside
    assert Notification.objects.get().attempts == 1
    time.sleep(0.5)
    assert len(mailpit.messages_to(admins[0])) == 1


def test_smtp_down_records_failed_with_the_error_after_bounded_retries_then_a_retry_sends(
    settings, recipient
):
    settings.ADMIN_ALERT_EMAILS = [recipient()]
    mailpit_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there: connection refused
    settings.NOTIFICATION_SEND_ATTEMPTS = 3
    settings.NOTIFICATION_SEND_BACKOFF_MS = 100
    started = time.monotonic()

    handle_low_stock(low_stock_event())  # does not raise

    elapsed = time.monotonic() - started
    failed = Notification.objects.get()
    assert failed.status == "failed"
    assert failed.attempts == 3
    assert failed.error.startswith("ConnectionRefusedError")
    assert failed.sent_at is None
    assert 0.3 <= elapsed < 5  # waited 0.1 s then 0.2 s between the three attempts

    settings.EMAIL_PORT = mailpit_port
    retried = services.notification_retry(notification_id=failed.id)

    assert (retried.status, retried.attempts, retried.error) == ("sent", 4, "")
    assert retried.sent_at is not None
    assert len(mailpit.wait_for_messages(failed.recipient)) == 1


def test_admin_addresses_are_deduplicated_ignoring_letter_case(settings, recipient):
    address = recipient()
    settings.ADMIN_ALERT_EMAILS = [address, f" {address.upper()} ", ""]

    handle_low_stock(low_stock_event())

    assert list(Notification.objects.values_list("recipient", flat=True)) == [address]


def test_values_from_the_event_are_escaped_in_the_html_and_kept_on_one_line_in_the_subject(admins):
    handle_low_stock(low_stock_event(sku="<b>X</b>\nBcc: evil@example.test"))

    full = mailpit.message(mailpit.wait_for_messages(admins[0])[0]["ID"])
    assert "&lt;b&gt;X&lt;/b&gt;" in full["HTML"]
    assert "<b>X</b>" not in full["HTML"]
    assert full["Subject"] == "Low stock: <b>X</b> Bcc: evil@example.test (3 left)"
    assert full["Bcc"] in (None, [])

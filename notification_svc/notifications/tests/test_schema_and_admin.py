import pytest

from notifications import admin as notification_admin
from notifications.models import Notification
from notifications.tests import mailpit
from notifications.tests.factories import make_notification
from shared.testing.fixtures import staff_browser_client
from shared.testing.schema import validated_schema

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_valid_and_lists_every_route(tmp_path):
    schema = validated_schema(tmp_path)
    for route in [
        "/api/v1/notifications/:",
        "/api/v1/notifications/{id}/:",
        "/api/v1/notifications/test/:",
        "/api/v1/notifications/{id}/retry/:",
    ]:
        assert route in schema, route
    for parameter in ("name: status", "name: kind", "name: limit", "name: offset"):
        assert parameter in schema, parameter
    assert "bearerFormat: JWT" in schema


def test_staff_see_and_filter_notifications_in_the_admin_read_only(staff_browser):
    failed = make_notification(status="failed", error="ConnectionRefusedError: nobody there")
    make_notification(status="sent")

    listing = staff_browser.get("/admin/notifications/notification/", {"status__exact": "failed"})
    detail = staff_browser.get(f"/admin/notifications/notification/{failed.id}/change/")

    assert listing.status_code == 200
    assert failed.recipient.encode() in listing.content
    assert b"1 notification" in listing.content
    assert detail.status_code == 200
    assert b"nobody there" in detail.content
    assert b'name="recipient"' not in detail.content  # shown, not editable
    assert staff_browser.get("/admin/notifications/notification/add/").status_code == 403
    assert b"retry_sending" in listing.content


@pytest.mark.django_db(transaction=True)
def test_the_retry_action_sends_the_failed_ones_and_skips_the_others(staff_browser, recipient):
    failed = make_notification(status="failed", attempts=3, error="SMTP down", recipient=recipient())
    sent = make_notification(status="sent", attempts=1)

    response = staff_browser.post(
        "/admin/notifications/notification/",
        {"action": "retry_sending", "_selected_action": [str(failed.id), str(sent.id)]},
        follow=True,
    )

    assert response.status_code == 200
    assert b"Sent 1, failed again 0, skipped 1 (not failed)." in response.content
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == ("sent", 4, "")
    assert (sent.status, sent.attempts) == ("sent", 1)
    assert len(mailpit.wait_for_messages(failed.recipient)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_retry_action_reports_what_failed_again(staff_browser, smtp_down):
    failed = make_notification(status="failed", attempts=3, error="SMTP down")

    response = staff_browser.post(
        "/admin/notifications/notification/",
        {"action": "retry_sending", "_selected_action": [str(failed.id)]},
        follow=True,
    )

    assert b"Sent 0, failed again 1, skipped 0 (not failed)." in response.content
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("failed", 6)
    assert failed.error.startswith("ConnectionRefusedError")


def test_the_retry_action_stops_starting_retries_when_its_time_is_up(staff_browser, monkeypatch):
    monkeypatch.setattr(notification_admin, "RETRY_ACTION_SECONDS", -1)
    failed = make_notification(status="failed", attempts=3)

    response = staff_browser.post(
        "/admin/notifications/notification/",
        {"action": "retry_sending", "_selected_action": [str(failed.id)]},
        follow=True,
    )

    assert b"1 not tried for lack of time: run the action again." in response.content
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("failed", 3)


def test_a_non_staff_user_cannot_enter_the_admin():
    client = staff_browser_client(is_staff=False)

    assert client.get("/admin/notifications/notification/").status_code == 302
    assert Notification.objects.count() == 0

"""The staff API: list with filters and limit/offset pages, detail, test email, retry; 401/403/404."""

import uuid

import pytest

from notifications.models import Notification
from notifications.tests import mailpit
from notifications.tests.factories import make_notification
from shared.testing import jwt

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"
ENDPOINTS = [
    ("get", LIST),
    ("get", f"{LIST}{uuid.uuid4()}"),
    ("post", f"{LIST}test"),
    ("post", f"{LIST}{uuid.uuid4()}/retry"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_without_a_token_every_endpoint_is_401(api, method, url):
    response = getattr(api, method)(url, {}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
@pytest.mark.parametrize("caller", ["customer_api", "service_api"])
def test_customers_and_services_get_403_everywhere(request, caller, method, url):
    response = getattr(request.getfixturevalue(caller), method)(url, {}, format="json")

    assert response.status_code == 403


def test_a_forged_staff_claim_is_401(api):
    forged = jwt.tampered_token(jwt.access_token(is_staff=False), is_staff=True)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")

    assert api.get(LIST).status_code == 401


def test_the_list_is_paginated_newest_first_with_limit_and_offset(staff_api):
    made = [make_notification(subject=f"n{i}") for i in range(3)]

    first = staff_api.get(LIST, {"limit": 2}).json()
    second = staff_api.get(first["next"]).json()

    assert first["count"] == 3
    assert [n["subject"] for n in first["results"]] == ["n2", "n1"]
    assert first["previous"] is None
    assert [n["id"] for n in second["results"]] == [str(made[0].id)]
    assert second["next"] is None
    assert set(first["results"][0]) == {
        "id",
        "kind",
        "channel",
        "recipient",
        "subject",
        "body",
        "status",
        "attempts",
        "error",
        "event_id",
        "created_at",
        "sent_at",
    }


def test_the_list_filters_by_status_and_kind(staff_api):
    sent_test = make_notification(status="sent")
    make_notification(status="failed")
    failed_alert = make_notification(kind="low_stock", status="failed", event_id=uuid.uuid4())

    by_status = staff_api.get(LIST, {"status": "sent"}).json()
    by_kind = staff_api.get(LIST, {"kind": "low_stock"}).json()
    by_both = staff_api.get(LIST, {"kind": "test", "status": "failed"}).json()

    assert [n["id"] for n in by_status["results"]] == [str(sent_test.id)]
    assert [n["id"] for n in by_kind["results"]] == [str(failed_alert.id)]
    assert by_kind["results"][0]["event_id"] == str(failed_alert.event_id)
    assert by_both["count"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [({"status": "lost"}, "status"), ({"status": "SENT"}, "status"), ({"kind": "sms"}, "kind")],
)
def test_unknown_filter_values_are_400_naming_the_parameter(staff_api, query, field):
    response = staff_api.get(LIST, query)

    assert response.status_code == 400
    assert field in response.json()


def test_the_list_costs_two_queries_whatever_the_page_size(staff_api, django_assert_num_queries):
    for _ in range(5):
        make_notification()

    with django_assert_num_queries(2):  # count, page
        response = staff_api.get(LIST, {"limit": 5})

    assert len(response.json()["results"]) == 5


def test_one_notification_with_or_without_a_trailing_slash(staff_api):
    notification = make_notification(subject="Hi")

    plain = staff_api.get(f"{LIST}{notification.id}")
    slashed = staff_api.get(f"{LIST}{notification.id}/")

    assert plain.status_code == slashed.status_code == 200
    assert plain.json()["subject"] == "Hi"
    assert plain.json()["channel"] == "email"


@pytest.mark.parametrize("tail", [str(uuid.uuid4()), "not-a-uuid", f"{uuid.uuid4()}/retry"])
def test_unknown_ids_are_404(staff_api, tail):
    method = staff_api.post if tail.endswith("retry") else staff_api.get

    response = method(f"{LIST}{tail}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db(transaction=True)
def test_a_test_email_reaches_the_smtp_server_and_is_recorded_sent(staff_api, recipient, settings):
    address = recipient()

    response = staff_api.post(
        f"{LIST}test", {"recipient": address, "subject": "Ping", "message": "Hello <ops>"}, format="json"
    )

    body = response.json()
    assert response.status_code == 201, body
    assert (body["kind"], body["status"], body["attempts"], body["recipient"]) == ("test", "sent", 1, address)
    assert body["sent_at"] and body["event_id"] is None
    (summary,) = mailpit.wait_for_messages(address)
    full = mailpit.message(summary["ID"])
    assert full["Subject"] == "Ping"
    assert full["Text"].strip() == "Hello <ops>"
    assert "Hello &lt;ops&gt;" in full["HTML"]
    assert Notification.objects.get(id=body["id"]).status == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_test_email_has_a_default_subject_and_message(staff_api, recipient):
    response = staff_api.post(f"{LIST}test/", {"recipient": recipient()}, format="json")

    assert response.status_code == 201
    assert response.json()["subject"] == "Test notification"
    assert "SMTP server delivers" in response.json()["body"]


@pytest.mark.parametrize(
    "payload",
    [{}, {"recipient": "not-an-address"}, {"recipient": "a@example.test", "subject": "x" * 201}],
)
def test_a_bad_test_email_request_is_400_and_records_nothing(staff_api, payload):
    response = staff_api.post(f"{LIST}test", payload, format="json")

    assert response.status_code == 400
    assert Notification.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_smtp_down_test_email_is_201_failed_with_the_error_then_retry_sends_it(
    staff_api, recipient, settings
):
    address = recipient()
    mailpit_port, settings.EMAIL_PORT = settings.EMAIL_PORT, 1

    created = staff_api.post(f"{LIST}test", {"recipient": address}, format="json")

    body = created.json()
    assert created.status_code == 201
    assert (body["status"], body["attempts"]) == ("failed", 3)
    assert body["error"].startswith("ConnectionRefusedError")
    assert body["sent_at"] is None

    settings.EMAIL_PORT = mailpit_port
    retried = staff_api.post(f"{LIST}{body['id']}/retry")

    assert retried.status_code == 200
    assert (retried.json()["status"], retried.json()["attempts"], retried.json()["error"]) == ("sent", 4, "")
    assert len(mailpit.wait_for_messages(address)) == 1


@pytest.mark.parametrize("state", ["sent", "pending"])
def test_retrying_a_notification_that_has_not_failed_is_409(staff_api, state):
    notification = make_notification(status=state)

    response = staff_api.post(f"{LIST}{notification.id}/retry/")

    assert response.status_code == 409
    assert state in response.json()["detail"]
    notification.refresh_from_db()
    assert notification.attempts == 0

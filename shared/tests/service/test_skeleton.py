"""The skeleton every service shares, run once under each service's settings by `make test`
(deploy/test.sh). Health readiness asks the real servers of the stack."""

import json

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


def test_live_answers_with_the_service_name(client):
    response = client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": settings.SERVICE_NAME}


def test_ready_checks_every_configured_dependency_against_the_real_servers(client):
    response = client.get("/health/ready")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"] == dict.fromkeys(settings.HEALTH_CHECKS, "ok")


def test_ready_names_the_failing_dependency(client, settings):
    # Port 1 on loopback: nothing listens there, so the SMTP check must fail and say so.
    settings.EMAIL_PORT = 1
    settings.HEALTH_CHECKS = ["database", "smtp"]

    response = client.get("/health/ready")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["smtp"].startswith("error: ConnectionRefusedError")
    assert body["checks"]["database"] == "ok"


def test_database_answers_a_query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_request_id_is_adopted_and_echoed(client):
    response = client.get("/health/live", HTTP_X_REQUEST_ID="abc-123")

    assert response["X-Request-ID"] == "abc-123"
    assert response["X-Service"] == settings.SERVICE_NAME


def test_malformed_request_id_is_replaced(client):
    response = client.get("/health/live", HTTP_X_REQUEST_ID="bad id\nwith newline")

    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


def test_unknown_url_is_a_json_404(client):
    response = client.get("/no/such/route")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == f"{settings.SERVICE_NAME}_svc API"


def test_swagger_ui_and_admin_login_are_served(client):
    assert client.get("/api/docs/").status_code == 200
    login = client.get("/admin/login/")
    # The staff login form is user_svc's; every other admin sends its visitors there.
    assert login.status_code == 200 if settings.SERVICE_NAME == "user" else login.status_code == 302


def test_health_routes_allow_only_get(client):
    assert client.post("/health/live").status_code == 405

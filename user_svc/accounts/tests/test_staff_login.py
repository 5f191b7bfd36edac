"""The platform's one staff login (accounts.staff): password here, cookies for every service's admin."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.conftest import STRONG_PASSWORD
from accounts.tokens import tokens_issue
from shared.auth.staff import ACCESS_COOKIE, REFRESH_COOKIE

pytestmark = pytest.mark.django_db


def log_in(client, email, password=STRONG_PASSWORD, next_url="/inventory/admin/", **extra):
    return client.post(f"/admin/login/?next={next_url}", {"username": email, "password": password}, **extra)


@pytest.fixture
def staff(make_user):
    return make_user(email="staff@example.com", is_staff=True)


def test_a_staff_login_sets_both_cookies_and_returns_to_the_service_that_asked(staff):
    client = Client()

    response = log_in(client, "staff@example.com")

    assert response.status_code == 302
    assert response["Location"] == "/inventory/admin/"
    access, refresh = response.cookies[ACCESS_COOKIE], response.cookies[REFRESH_COOKIE]
    assert access["httponly"] and refresh["httponly"]
    assert access["samesite"] == refresh["samesite"] == "Lax"
    assert not access["secure"]
    assert access["path"] == "/"
    assert refresh["path"] == "/admin/"  # only user_svc's admin ever sees the refresh token
    claims = AccessToken(access.value)
    assert claims["user_id"] == str(staff.id) and claims["is_staff"] is True
    staff.refresh_from_db()
    assert staff.last_login is not None


def test_cookies_are_secure_when_the_gateway_served_tls(staff):
    response = log_in(Client(), "staff@example.com", HTTP_X_FORWARDED_PROTO="https")

    assert response.cookies[ACCESS_COOKIE]["secure"] and response.cookies[REFRESH_COOKIE]["secure"]


@pytest.mark.parametrize(
    "fields", [{"is_staff": False}, {"is_staff": True, "is_active": False}], ids=["customer", "inactive"]
)
def test_customers_and_inactive_accounts_get_no_cookie(make_user, fields):
    make_user(email="who@example.com", **fields)

    response = log_in(Client(), "who@example.com")

    assert response.status_code == 200
    assert ACCESS_COOKIE not in response.cookies
    assert b"staff account" in response.content


def test_a_wrong_password_gets_no_cookie(staff):
    response = log_in(Client(), "staff@example.com", password="not-the-password")

    assert response.status_code == 200 and ACCESS_COOKIE not in response.cookies


def test_login_never_redirects_off_the_site(staff):
    response = log_in(Client(), "staff@example.com", next_url="https://evil.example/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_login_form_keeps_csrf_protection(staff):
    client = Client(enforce_csrf_checks=True)

    assert log_in(client, "staff@example.com").status_code == 403


def _expired_access_client(staff):
    client = Client()
    pair = tokens_issue(user=staff)
    client.cookies[REFRESH_COOKIE] = pair["refresh"]
    return client, pair


def test_the_login_page_renews_an_expired_session_from_the_refresh_cookie(staff):
    client, pair = _expired_access_client(staff)

    response = client.get("/admin/login/?next=/order/admin/")

    assert response.status_code == 302 and response["Location"] == "/order/admin/"
    assert AccessToken(response.cookies[ACCESS_COOKIE].value)["user_id"] == str(staff.id)
    assert response.cookies[REFRESH_COOKIE].value != pair["refresh"]  # rotated
    # The old refresh token is spent.
    again = Client()
    again.cookies[REFRESH_COOKIE] = pair["refresh"]
    assert again.get("/admin/login/").status_code == 200


def test_a_staff_flag_taken_away_ends_the_renewals_and_counts_here_at_once(staff):
    client, _ = _expired_access_client(staff)
    client.cookies[ACCESS_COOKIE] = tokens_issue(user=staff)["access"]
    assert client.get("/admin/").status_code == 200

    staff.is_staff = False
    staff.save()

    assert urlsplit(client.get("/admin/")["Location"]).path == "/admin/login/"
    del client.cookies[ACCESS_COOKIE]
    response = client.get("/admin/login/")
    assert response.status_code == 200 and ACCESS_COOKIE not in response.cookies


def test_a_deactivated_account_cannot_renew(staff):
    client, _ = _expired_access_client(staff)
    staff.is_active = False
    staff.save()

    response = client.post("/admin/refresh/")

    assert response.status_code == 401 and ACCESS_COOKIE not in response.cookies


def test_the_keep_alive_swaps_the_pair(staff):
    client, _ = _expired_access_client(staff)

    response = client.post("/admin/refresh/")

    assert response.status_code == 204
    assert AccessToken(response.cookies[ACCESS_COOKIE].value)["user_id"] == str(staff.id)


def test_logout_revokes_the_refresh_token_and_clears_both_cookies(staff):
    client = Client()
    log_in(client, "staff@example.com")
    refresh = client.cookies[REFRESH_COOKIE].value

    response = client.post("/admin/logout/")

    assert response.status_code == 200 and b"Logged out" in response.content
    assert response.cookies[ACCESS_COOKIE].value == "" and response.cookies[ACCESS_COOKIE]["max-age"] == 0
    assert response.cookies[REFRESH_COOKIE].value == ""
    replay = Client()
    replay.cookies[REFRESH_COOKIE] = refresh
    assert replay.post("/admin/refresh/").status_code == 401


def test_logout_by_get_only_asks(staff):
    client = Client()
    log_in(client, "staff@example.com")

    response = client.get("/admin/logout/")

    assert response.status_code == 200 and ACCESS_COOKIE not in response.cookies
    assert b'method="post"' in response.content

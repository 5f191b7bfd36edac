"""The one staff identity, as every service sees it (run under each service's settings): the staff
cookie opens the admin and the browsable API; nothing else does; the admin belongs to the console."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.utils.http import urlencode

from shared.auth.staff import ACCESS_COOKIE
from shared.testing import jwt
from shared.testing.fixtures import staff_browser_client

pytestmark = pytest.mark.django_db

SERVICES = ["product", "order", "inventory", "user", "notification"]


def _login_target(response):
    """Where an admin sends a visitor it refuses: its own login URL, which leads to user_svc's."""
    assert response.status_code == 302
    return urlsplit(response["Location"]).path


def test_the_staff_cookie_opens_the_admin_titled_with_the_service_and_linked_to_the_others(staff_browser):
    response = staff_browser.get("/admin/")

    page = response.content.decode()
    assert response.status_code == 200
    assert admin.site.site_header in page and settings.SERVICE_NAME.lower() in admin.site.site_header.lower()
    others = [name for name in SERVICES if name != settings.SERVICE_NAME]
    for name in others:
        assert f'href="/{name}/admin/"' in page
    assert 'href="/"' in page  # "View site": the gateway's index of the console
    assert f'action="{settings.STAFF_LOGOUT_URL}"' in page  # one logout, at user_svc
    assert "Django administration" not in page


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: None, id="no cookie"),
        pytest.param(lambda: jwt.access_token(is_staff=False), id="customer"),
        pytest.param(lambda: jwt.service_token("order"), id="service"),
        pytest.param(lambda: jwt.access_token(is_staff=True, lifetime=timedelta(seconds=-60)), id="expired"),
        pytest.param(lambda: jwt.foreign_key_token(user_id="x", is_staff=True), id="foreign key"),
        pytest.param(
            lambda: jwt.tampered_token(jwt.access_token(is_staff=False), is_staff=True), id="tampered"
        ),
        pytest.param(lambda: jwt.unsigned_token(user_id="x", is_staff=True), id="alg none"),
    ],
)
def test_anything_but_a_valid_staff_token_is_sent_to_the_login(token):
    client = Client()
    value = token()
    if value:
        client.cookies[ACCESS_COOKIE] = value

    response = client.get("/admin/")

    assert _login_target(response).endswith("/admin/login/")
    follow = client.get(response["Location"])
    if settings.SERVICE_NAME != "user":
        assert follow.status_code == 302
        target = urlsplit(follow["Location"])
        assert target.path == settings.STAFF_LOGIN_URL
        assert parse_qs(target.query)["next"] == ["/admin/"]
    else:
        assert follow.status_code == 200
        assert b'name="password"' in follow.content


def test_a_customer_with_a_bearer_token_is_refused_by_the_admin_too():
    client = Client(HTTP_AUTHORIZATION=f"Bearer {jwt.access_token(is_staff=False)}")

    assert client.get("/admin/").status_code == 302


def test_only_user_svc_keeps_accounts_and_lists_users_and_groups():
    registered = {model._meta.label for model in admin.site._registry}

    if settings.SERVICE_NAME == "user":
        assert {"accounts.User", "auth.Group"} <= registered
    else:
        assert not any(label.startswith("auth.") for label in registered)


def test_the_browsable_api_knows_the_staff_member_and_keeps_csrf(staff_browser):
    # Any staff-only list of the service; the schema lists them.
    page = staff_browser.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert page.status_code == 200

    response = staff_browser.get("/api-auth/login/", {"next": "/api/v1/x/"})

    target = urlsplit(response["Location"])
    assert response.status_code == 302 and target.path == settings.STAFF_LOGIN_URL
    assert parse_qs(target.query)["next"] == ["/api/v1/x/"]
    # A cookie-authenticated write without the CSRF token is refused (DRF's SessionAuthentication).
    strict = staff_browser_client(email="csrf@example.com")
    strict.handler.enforce_csrf_checks = True
    assert strict.post("/api-auth/logout/").status_code == 403


def test_logging_out_anywhere_hands_the_post_to_user_svc(staff_browser):
    response = staff_browser.post("/api-auth/logout/")

    assert response.status_code == 307
    assert response["Location"] == settings.STAFF_LOGOUT_URL


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_api_docs_load_only_local_assets(client, path):
    page = client.get(path).content.decode()

    assert "drf_spectacular_sidecar" in page
    assert "cdn" not in page.lower() and "https://" not in page.replace("https://swagger.io", "")


API_PAGES = {
    "product": "/api/v1/products/",
    "order": "/api/v1/orders/",
    "inventory": "/api/v1/inventory/",
    "user": "/api/v1/users/me",
    "notification": "/api/v1/notifications/",
}


def test_an_anonymous_browsable_api_page_links_to_the_one_staff_login_and_back():
    path = API_PAGES[settings.SERVICE_NAME]

    page = Client().get(path, HTTP_ACCEPT="text/html")

    assert page["Content-Type"].startswith("text/html")
    login = f'href="{settings.STAFF_LOGIN_URL}?{urlencode({"next": path})}"'
    assert login in page.content.decode()

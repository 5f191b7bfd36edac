"""Each service's staff pages behind the gateway's /<service>/ prefix (shared.middleware and
shared.settings.base.service_scope), under each service's settings."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def prefix():
    return f"/{settings.SERVICE_NAME}"


def test_admin_links_keep_the_gateway_prefix(staff_browser):
    response = staff_browser.get("/admin/", HTTP_X_FORWARDED_PREFIX=prefix())

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="{prefix()}/admin/"' in page
    assert f'href="{prefix()}/static/admin/css/base.css"' in page


def test_the_staff_login_form_keeps_the_gateway_prefix(client):
    if settings.SERVICE_NAME != "user":
        pytest.skip("the staff login is user_svc's; the others redirect to it")
    response = client.get("/admin/login/", HTTP_X_FORWARDED_PREFIX=prefix())

    page = response.content.decode()
    assert response.status_code == 200
    assert f'action="{prefix()}/admin/login/"' in page


def test_admin_redirect_to_login_keeps_the_prefix(client):
    response = client.get("/admin/", HTTP_X_FORWARDED_PREFIX=prefix())

    assert response.status_code == 302
    assert response["Location"] == f"{prefix()}/admin/login/?next={prefix()}/admin/"


def test_without_the_header_the_service_answers_at_its_own_root(client):
    response = client.get("/admin/")

    assert response["Location"] == "/admin/login/?next=/admin/"


@pytest.mark.parametrize("hostile", ["//evil.example", "/a/b", "https://evil.example", "/" + "x" * 40])
def test_a_prefix_that_is_not_one_segment_is_ignored(client, hostile):
    response = client.get("/admin/", HTTP_X_FORWARDED_PREFIX=hostile)

    assert response["Location"] == "/admin/login/?next=/admin/"


def test_docs_point_at_the_prefixed_schema(client):
    page = client.get("/api/docs/", HTTP_X_FORWARDED_PREFIX=prefix())
    script = client.get("/api/docs/?script=", HTTP_X_FORWARDED_PREFIX=prefix())

    assert page.status_code == 200
    # Swagger UI's init script is a file of its own (the Content-Security-Policy refuses inline scripts).
    assert f'<script src="{prefix()}/api/docs/?script="></script>' in page.content.decode()
    assert f'"{prefix()}/api/schema/"' in script.content.decode()


def test_static_files_are_served_by_the_service_under_its_own_url(client):
    response = client.get(f"{prefix()}/static/admin/css/base.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


def test_sessions_and_cache_are_per_service_and_csrf_is_one_for_the_console():
    # Sessions (the admin's flash messages) and cache keys never mix between services; the CSRF cookie
    # is the console's, so a page of one service may post to another's (every logout goes to user_svc).
    name = settings.SERVICE_NAME
    cache_prefix = settings.CACHES["default"]["KEY_PREFIX"]
    assert (settings.SESSION_COOKIE_NAME, cache_prefix) == (f"{name}_sessionid", name)
    assert (settings.CSRF_COOKIE_NAME, settings.CSRF_COOKIE_PATH) == ("csrftoken", "/")

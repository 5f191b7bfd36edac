"""The headers every response through the gateway carries, or must not: nosniff on every kind of
response, no internal service name (X-Service) unless the operator asks for it, and a
Content-Security-Policy: the services' own (django-csp, shared/settings/base.py) on their pages, the
gateway's on what it answers itself."""

import re

import pytest
import requests

from tests.conftest import SERVICES

# One of each kind of response: the gateway's own pages and errors, each kind of proxied answer.
RESPONSES = {
    "index": ("GET", "/", {}),
    "health": ("GET", "/health", {}),
    "service-health": ("GET", "/health/order/ready", {}),
    "api-json": ("GET", "/api/v1/products/?limit=1", {}),
    "api-401": ("GET", "/api/v1/orders/", {}),
    "api-404": ("GET", "/api/v1/products/00000000-0000-0000-0000-000000000000", {}),
    "browsable-api": ("GET", "/api/v1/products/?limit=1", {"headers": {"Accept": "text/html"}}),
    "admin-login": ("GET", "/user/admin/login/", {}),
    "admin-redirect": ("GET", "/order/admin/", {"allow_redirects": False}),
    "swagger-ui": ("GET", "/inventory/api/docs/", {}),
    "swagger-init-script": ("GET", "/inventory/api/docs/?script=", {}),
    "redoc": ("GET", "/notification/api/redoc/", {}),
    "schema": ("GET", "/user/api/schema/", {}),
    "static-file": ("GET", "/product/static/admin/css/base.css", {}),
    "gateway-404": ("GET", "/nowhere", {}),
    "gateway-405": ("POST", "/", {}),
    "gateway-413": ("POST", "/api/v1/products/", {"data": b"x" * (1024 * 1024 + 1)}),
    "gateway-414": ("GET", "/api/v1/products/?search=" + "a" * 10_000, {}),
    "gateway-431": ("GET", "/api/v1/orders/", {"headers": {"Authorization": "a" * 10_000}}),
    "preflight": (
        "OPTIONS",
        "/api/v1/orders/",
        {"headers": {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"}},
    ),
}
# The pages a service renders for a browser (the browsable API for an Accept: text/html request).
SERVICE_PAGES = {
    "admin": "/{service}/admin/login/",
    "swagger-ui": "/{service}/api/docs/",
    "redoc": "/{service}/api/redoc/",
    "browsable-api-login": "/{service}/api-auth/login/",
}
BROWSABLE_API = {
    "product": "/api/v1/products/",
    "order": "/api/v1/orders/",
    "inventory": "/api/v1/inventory/",
    "user": "/api/v1/users/me",
    "notification": "/api/v1/notifications/",
}


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


@pytest.mark.parametrize(("method", "path", "options"), RESPONSES.values(), ids=RESPONSES.keys())
def test_every_kind_of_response_says_nosniff_once_and_names_no_service(gateway_url, method, path, options):
    response = requests.request(method, f"{gateway_url}{path}", timeout=10, **options)

    assert response.headers["X-Content-Type-Options"] == "nosniff"  # once: not "nosniff, nosniff"
    assert "X-Service" not in response.headers


def assert_service_policy(response):
    """The services' policy: only this origin, no inline script, no framing."""
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    sources = [source for values in policy.values() for source in values]
    assert not [source for source in sources if re.match(r"(https?:|\*)", source)], "another origin allowed"


@pytest.mark.parametrize("page", SERVICE_PAGES.values(), ids=SERVICE_PAGES.keys())
@pytest.mark.parametrize("service", SERVICES)
def test_each_service_page_has_the_services_content_security_policy(gateway_url, service, page):
    response = requests.get(f"{gateway_url}{page.format(service=service)}", timeout=10)

    assert response.status_code == 200 or response.history, response.status_code
    assert response.headers["Content-Type"].startswith("text/html")
    assert_service_policy(response)


@pytest.mark.parametrize("service", SERVICES)
def test_each_browsable_api_page_and_json_answer_has_the_services_content_security_policy(
    gateway_url, service
):
    page = requests.get(f"{gateway_url}{BROWSABLE_API[service]}", headers={"Accept": "text/html"}, timeout=10)
    api = requests.get(f"{gateway_url}{BROWSABLE_API[service]}", timeout=10)

    assert page.headers["Content-Type"].startswith("text/html")
    assert api.headers["Content-Type"].startswith("application/json")
    assert_service_policy(page)
    assert_service_policy(api)


@pytest.mark.parametrize("path", ["/", "/nowhere", "/health"])
def test_the_gateways_own_answers_have_its_own_policy_that_loads_nothing(gateway_url, path):
    response = requests.get(f"{gateway_url}{path}", timeout=15)

    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "script-src" not in policy  # default-src 'none' covers it

"""The nginx gateway routes every prefix to the right service, aggregates their readiness and serves the
staff index at /. Which service answered is read from the services' own request logs: the gateway does
not tell clients (X-Service only with GATEWAY_DEBUG_HEADERS=1, see test_gateway_failures.py)."""

import re
import uuid

import pytest
import requests

from tests.conftest import SERVICES
from tests.stack.service_logs import answered_by

ROUTES = {
    "/api/v1/products/": "product",
    "/api/v1/orders/": "order",
    "/api/v1/inventory/": "inventory",
    "/api/v1/auth/": "user",
    "/api/v1/users/": "user",
    "/api/v1/notifications/": "notification",
}


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("probe", ["live", "ready"])
def test_each_service_health_route_is_reachable_through_the_gateway(gateway_url, service, probe):
    response = requests.get(f"{gateway_url}/health/{service}/{probe}", timeout=10)

    assert response.status_code == 200, response.text
    assert response.json()["service"] == service
    assert "X-Service" not in response.headers


@pytest.mark.parametrize(("prefix", "service"), ROUTES.items())
def test_each_api_prefix_reaches_its_service(gateway_url, prefix, service):
    request_id = f"route-{uuid.uuid4().hex}"

    response = requests.get(f"{gateway_url}{prefix}", headers={"X-Request-ID": request_id}, timeout=10)

    assert answered_by(request_id, prefix) == {service}
    assert response.headers["Content-Type"].startswith("application/json")
    assert "X-Service" not in response.headers


def test_aggregate_health_lists_all_five_services(gateway_url):
    response = requests.get(f"{gateway_url}/health", timeout=15)

    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok", "services": dict.fromkeys(SERVICES, "ok")}


def test_request_id_is_passed_through_and_returned_once(gateway_url):
    response = requests.get(
        f"{gateway_url}/health/order/live", headers={"X-Request-ID": "client-chosen-1"}, timeout=10
    )

    assert response.headers["X-Request-ID"] == "client-chosen-1"


def test_gateway_mints_a_request_id_when_the_client_sends_none(gateway_url):
    first = requests.get(f"{gateway_url}/health/user/live", timeout=10).headers["X-Request-ID"]
    second = requests.get(f"{gateway_url}/health/user/live", timeout=10).headers["X-Request-ID"]

    assert len(first) == 32
    assert first != second


def test_root_is_the_staff_index_linking_every_service_page(gateway_url):
    response = requests.get(f"{gateway_url}/", timeout=10)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert len(response.headers["X-Request-ID"]) == 32  # the server's add_header still apply here
    assert "X-Service" not in response.headers
    links = set(re.findall(r'href="([^"]*)"', response.text))
    for service in SERVICES:
        pages = ("admin/", "api/docs/", "api/redoc/", "api/schema/")
        assert {f"/{service}/{page}" for page in pages} | {f"/health/{service}/ready"} <= links, service
    assert {"/health", "/user/admin/login/"} <= links


def test_root_answers_other_methods_in_json(gateway_url):
    response = requests.post(f"{gateway_url}/", timeout=10)

    assert response.status_code == 405
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Method not allowed."}


@pytest.mark.parametrize("service", SERVICES)
def test_each_redoc_path_reaches_its_service(gateway_url, service):
    request_id = f"redoc-{uuid.uuid4().hex}"

    response = requests.get(
        f"{gateway_url}/{service}/api/redoc/", headers={"X-Request-ID": request_id}, timeout=10
    )

    assert response.status_code == 200
    assert answered_by(request_id, f"/{service}/api/redoc/") == {service}
    assert "X-Service" not in response.headers


@pytest.mark.parametrize("path", ["/nowhere", "/index.html", "/logo.png", "/admin/", "/health/"])
def test_unrouted_path_is_a_json_404_from_the_gateway(gateway_url, path):
    response = requests.get(f"{gateway_url}{path}", timeout=10)

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    assert "X-Service" not in response.headers

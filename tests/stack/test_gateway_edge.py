"""What the gateway does at the edge, before a service sees the request: CORS, compression, size and
rate limits answered in JSON, and each service's staff pages (admin, API docs) under /<service>/."""

import json
import socket
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.conftest import SERVICES

ALLOWED_ORIGIN = "http://localhost:3000"  # in the default CORS_ALLOWED_ORIGINS (deploy/env/local/stack.env)


def preflight(gateway_url, origin):
    return requests.options(
        f"{gateway_url}/api/v1/orders/",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
        timeout=10,
    )


def test_preflight_from_an_allowed_origin_is_answered_by_the_gateway(gateway_url):
    response = preflight(gateway_url, ALLOWED_ORIGIN)

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert {"Authorization", "Content-Type", "Idempotency-Key"} <= {
        h.strip() for h in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert "Vary" in response.headers and "Origin" in response.headers["Vary"]
    assert "X-Service" not in response.headers


def test_preflight_from_another_origin_is_refused_without_cors_headers(gateway_url):
    response = preflight(gateway_url, "https://evil.example")

    assert response.status_code == 403
    assert "detail" in response.json()
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]


def test_responses_carry_cors_headers_only_for_an_allowed_origin(gateway_url):
    allowed = requests.get(f"{gateway_url}/api/v1/products/", headers={"Origin": ALLOWED_ORIGIN}, timeout=10)
    other = requests.get(
        f"{gateway_url}/api/v1/products/", headers={"Origin": "https://evil.example"}, timeout=10
    )

    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "X-Request-ID" in allowed.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in other.headers
    assert other.status_code == 200  # CORS is the browser's rule; the gateway only withholds the grant


def test_json_is_compressed_for_clients_that_accept_gzip(gateway_url):
    url = f"{gateway_url}/product/api/schema/?format=json"
    compressed = requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=10)
    plain = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=10)

    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert compressed.json() == plain.json()  # requests decompresses transparently


def test_a_body_over_the_limit_is_refused_with_json_before_reaching_a_service(gateway_url):
    response = requests.post(
        f"{gateway_url}/api/v1/products/",
        data=b"x" * (1024 * 1024 + 1),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )

    assert response.status_code == 413
    assert "1 MB" in response.json()["detail"]
    assert "X-Service" not in response.headers


@pytest.mark.parametrize(
    ("url", "headers", "status"),
    [
        ("/api/v1/orders/", {"Authorization": "Bearer " + "a" * 20_000}, 400),  # over one 16 KB header buffer
        ("/api/v1/products/?search=" + "a" * 20_000, {}, 414),
    ],
    ids=["header-too-large", "uri-too-long"],
)
def test_a_request_over_the_header_limits_is_refused_with_json(gateway_url, url, headers, status):
    response = requests.get(f"{gateway_url}{url}", headers=headers, timeout=10)

    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert "16 KB" in response.json()["detail"]


def test_a_request_line_nginx_cannot_parse_is_refused_with_json(stack_env):
    # A raw socket: no client library sends a broken request line (nginx has no URI for it).
    with socket.create_connection(
        (stack_env["STACK_HOST"], int(stack_env["GATEWAY_PORT"])), timeout=10
    ) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")

    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"\r\nContent-Type: application/json\r\n" in head
    assert "detail" in json.loads(body)


def test_auth_routes_are_rate_limited_per_client_with_json_and_retry_after(gateway_url, stack_env):
    burst = int(stack_env["GATEWAY_AUTH_BURST"])
    session = requests.Session()
    answers = [
        session.post(f"{gateway_url}/api/v1/auth/refresh", json={"refresh": "not-a-token"}, timeout=10)
        for _ in range(burst * 2 + 20)
    ]
    limited = [r for r in answers if r.status_code == 429]
    try:
        assert limited, "no request was rate limited"
        assert all(r.status_code in (400, 401, 429) for r in answers)
        assert limited[0].headers["Retry-After"] == "1"
        assert "Too many requests" in limited[0].json()["detail"]
        assert "X-Service" not in limited[0].headers
        # Other routes are not limited by the auth zone.
        assert session.get(f"{gateway_url}/api/v1/products/", timeout=10).status_code == 200
    finally:
        # Let the bucket refill (burst / rate seconds), so later tests can log in.
        time.sleep(burst / float(stack_env["GATEWAY_AUTH_RATE"].removesuffix("r/s")) + 0.5)


@pytest.mark.parametrize("service", SERVICES)
def test_each_admin_is_served_under_its_prefix_with_its_static_files(gateway_url, service):
    login = requests.get(f"{gateway_url}/{service}/admin/", timeout=10)

    # After the redirects: the one staff login, at user_svc, with the way back to this admin.
    landed = urlsplit(login.url)
    assert login.status_code == 200
    assert (landed.path, parse_qs(landed.query)["next"]) == ("/user/admin/login/", [f"/{service}/admin/"])
    assert 'action="/user/admin/login/?next=' in login.text
    css = requests.get(f"{gateway_url}/{service}/static/admin/css/base.css", timeout=10)
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")


@pytest.mark.parametrize("service", SERVICES)
def test_each_api_docs_page_and_schema_are_served_under_its_prefix(gateway_url, service):
    docs = requests.get(f"{gateway_url}/{service}/api/docs/", timeout=10)
    schema = requests.get(f"{gateway_url}/{service}/api/schema/?format=json", timeout=10)

    assert docs.status_code == 200
    assert f'"/{service}/api/schema/"' in docs.text
    assert schema.json()["info"]["title"] == f"{service}_svc API"


def test_only_the_staff_pages_are_under_the_service_prefix(gateway_url):
    response = requests.get(f"{gateway_url}/product/api/v1/products/", timeout=10)

    assert response.status_code == 404
    assert "X-Service" not in response.headers

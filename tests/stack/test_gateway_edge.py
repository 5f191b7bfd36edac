"""What the gateway does at the edge, before a service sees the request: CORS, compression, size and
rate limits answered in JSON, and each service's staff pages (admin, API docs) under /<service>/.

Every error the gateway makes is JSON with a ``detail``, and so is everything gunicorn (the services'
HTTP server) would have refused with an HTML page: the gateway refuses it first, its limits being under
gunicorn's. The 5xx the gateway makes when upstreams fail are in test_gateway_failures.py."""

import json
import re
import socket
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.conftest import SERVICES
from tests.stack.service_logs import answered_by

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
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Service" not in response.headers


@pytest.mark.parametrize(
    ("url", "headers", "status", "detail"),
    [
        ("/api/v1/orders/", {"Authorization": "Bearer " + "a" * 10_000}, 431, "8000 bytes"),
        ("/api/v1/orders/", {"Authorization": "Bearer " + "a" * 20_000}, 431, "8000 bytes"),
        ("/api/v1/products/", {f"X-Probe-{n}": "1" for n in range(100)}, 431, "64 headers"),
        ("/api/v1/products/?search=" + "a" * 10_000, {}, 414, "8000 bytes"),  # issue 17's HTML 414
        ("/api/v1/products/?search=" + "a" * 20_000, {}, 414, "8000 bytes"),
        ("/product/admin/" + "a" * 2_800, {}, 414, "2,700 bytes"),
    ],
    ids=["header-10k", "header-20k", "100-headers", "uri-10k", "uri-20k", "staff-path-2800"],
)
def test_a_request_over_the_header_limits_is_refused_with_json(gateway_url, url, headers, status, detail):
    response = requests.get(f"{gateway_url}{url}", headers=headers, timeout=10)

    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert detail in response.json()["detail"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v1/products/", {"Authorization": "Bearer " + "a" * 7_900}),
        ("/api/v1/products/?search=" + "a" * 7_900, {}),
        ("/api/v1/products/", {f"X-Probe-{n}": "1" for n in range(56)}),  # 60 with requests' own four
    ],
    ids=["header-7900", "uri-7900", "60-headers"],
)
def test_a_request_just_under_the_limits_reaches_the_service_and_is_answered_in_json(
    gateway_url, path, headers
):
    # The gateway's limits are under gunicorn's: what the gateway lets through, gunicorn takes.
    request_id = f"limits-{uuid.uuid4().hex}"

    response = requests.get(
        f"{gateway_url}{path}", headers={**headers, "X-Request-ID": request_id}, timeout=10
    )

    assert response.headers["Content-Type"] == "application/json", response.text[:200]
    assert response.status_code not in (414, 431)
    assert answered_by(request_id, "/api/v1/products/") == {"product"}


def raw_request(stack_env, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``data`` as it is over a socket (what no client library sends) and read the whole answer."""
    with socket.create_connection(
        (stack_env["STACK_HOST"], int(stack_env["GATEWAY_PORT"])), timeout=10
    ) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    assert status_line.startswith("HTTP/1.1 "), status_line
    headers = dict(line.split(": ", 1) for line in lines)
    return int(status_line.split()[1]), headers, body


def request(method=b"GET", target=b"/api/v1/products/", headers=b"", version=b"HTTP/1.1") -> bytes:
    """A request as bytes, which may be what no client library would send."""
    line = b" ".join((method, target, version))
    return line + b"\r\nHost: localhost\r\nConnection: close\r\n" + headers + b"\r\n"


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),  # nginx has no URI for it
        (request(target=b"/api/v1/products/?search=caf\xc3\xa9"), 400),  # not percent-encoded
        (request(target=b"/product/api/docs/?q=\xff"), 400),
        (request(headers=b"X-Probe: a\x01b\r\n"), 400),  # a control character in a header value
        (request(headers=b"X-Probe: a\x7fb\r\n"), 400),
        (request(headers=b"Content-Length: 5\r\nContent-Length: 6\r\n"), 400),
        (request(version=b"HTTP/3.0"), 505),
        (request(b"POST", headers=b"Transfer-Encoding: gzip\r\n"), 501),
        (request(b"TRACE"), 405),
        (request(b"PROPFIND"), 405),
        (request(b"AB"), 405),  # gunicorn refuses a method under 3 letters in HTML
        (request(target=b"/_ready/product"), 404),  # internal
        (request(target=b"/_errors/500"), 404),  # the error pages are internal too
    ],
    ids=[
        "garbage",
        "utf8-uri",
        "byte-uri-staff",
        "control-char",
        "del-char",
        "two-lengths",
        "http-3.0",
        "transfer-coding",
        "trace",
        "propfind",
        "short-method",
        "internal-location",
        "error-page",
    ],
)
def test_a_request_nginx_or_gunicorn_would_refuse_in_html_is_refused_with_json(stack_env, data, status):
    answered, headers, body = raw_request(stack_env, data)

    assert answered == status
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["detail"]
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("header", ["X-Forwarded-Ssl", "X-Forwarded-Protocol"])
def test_a_client_cannot_claim_https_with_another_scheme_header(gateway_url, header):
    # gunicorn trusts these from the gateway; the gateway drops the client's (they made gunicorn
    # answer 400 in HTML, contradicting X-Forwarded-Proto).
    response = requests.get(
        f"{gateway_url}/api/v1/products/?limit=1",
        headers={header: "on" if "Ssl" in header else "ssl"},
        timeout=10,
    )

    assert response.status_code == 200, response.text[:200]
    assert response.json()["next"].startswith("http://")


def test_a_long_query_to_a_staff_page_gets_the_login_redirect_not_a_502(gateway_url):
    # The login redirect repeats the URI, percent-encoded, in Location: over nginx's default 4 KB
    # buffer for a service's headers, which answered 502 and counted the instance as failed.
    response = requests.get(
        f"{gateway_url}/product/admin/?q=" + "%26" * 2_600, allow_redirects=False, timeout=10
    )

    assert response.status_code == 302
    assert len(response.headers["Location"]) > 7_000


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
        assert limited[0].headers["X-Content-Type-Options"] == "nosniff"
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
    # Swagger UI's init script is a file of its own (the CSP refuses inline scripts); it names the schema.
    script = re.search(r'<script src="(/[^"]*\?script=)"', docs.text).group(1)
    init = requests.get(f"{gateway_url}{script}", timeout=10)
    assert init.headers["Content-Type"].startswith("application/javascript")
    assert f'"/{service}/api/schema/"' in init.text
    assert schema.json()["info"]["title"] == f"{service}_svc API"


def test_only_the_staff_pages_are_under_the_service_prefix(gateway_url):
    response = requests.get(f"{gateway_url}/product/api/v1/products/", timeout=10)

    assert response.status_code == 404
    assert "X-Service" not in response.headers

"""shared.http.ServiceClient against a real local HTTP server (a thread serving canned answers)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shared.correlation import reset_request_id, set_request_id
from shared.http import DependencyUnavailable, ServiceClient


@pytest.fixture
def server():
    """Answers each request with the next status of ``plan`` (default 200) and records what it saw."""
    seen = []
    plan = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            seen.append((self.command, self.path, dict(self.headers)))
            status = plan.pop(0) if plan else 200
            body = json.dumps({"ok": status == 200}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", plan, seen
    httpd.shutdown()
    httpd.server_close()


def _client(url, **options):
    return ServiceClient("product", url, credential=lambda: "service-jwt", backoff_factor=0, **options)


def test_sends_the_credential_and_the_request_id(server):
    url, _, seen = server
    token = set_request_id("req-42")
    try:
        response = _client(url).get("/things/", params={"ids": "a,b"})
    finally:
        reset_request_id(token)

    assert response.json() == {"ok": True}
    method, path, headers = seen[0]
    assert (method, path) == ("GET", "/things/?ids=a%2Cb")
    assert headers["Authorization"] == "Bearer service-jwt"
    assert headers["X-Request-ID"] == "req-42"


def test_a_callers_token_replaces_the_service_credential(server):
    url, _, seen = server

    _client(url).get("/me", token="user-jwt")

    assert seen[0][2]["Authorization"] == "Bearer user-jwt"


def test_a_get_is_retried_on_503_a_bounded_number_of_times(server):
    url, plan, seen = server
    plan.extend([503, 503])

    assert _client(url, retries=2).get("/x").status_code == 200
    assert len(seen) == 3

    plan.extend([503, 503, 503])
    with pytest.raises(DependencyUnavailable) as error:
        _client(url, retries=2).get("/x")
    assert error.value.service == "product"


def test_a_post_is_not_repeated_after_a_5xx(server):
    url, plan, seen = server
    plan.append(503)

    with pytest.raises(DependencyUnavailable):
        _client(url).post("/x", json={})
    assert len(seen) == 1


def test_a_4xx_is_returned_to_the_caller(server):
    url, plan, _ = server
    plan.append(404)

    assert _client(url).get("/x").status_code == 404


def test_nothing_listening_is_dependency_unavailable():
    with pytest.raises(DependencyUnavailable):
        _client("http://127.0.0.1:9", retries=1).get("/x")

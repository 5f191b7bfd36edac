"""The gateway's own 5xx, answered in JSON like every error it makes, and its debug setting: on a second
gateway from the same template and script (tests/stack/scratch_gateway.py), whose product instances are
down (a port nothing listens on), whose order instances never answer (their connections time out), and
whose other upstreams are the stack's own instances."""

import time
from contextlib import ExitStack

import pytest
import requests

from tests.stack.scratch_gateway import free_port, scratch_gateway, unanswering_port

pytestmark = pytest.mark.slow  # the order instances take two connect timeouts (2 s each) to give up


@pytest.fixture(scope="module")
def broken_gateway(tmp_path_factory):
    """A gateway over failing upstreams, with GATEWAY_DEBUG_HEADERS=1; yields (base URL, its state dir)."""
    directory = tmp_path_factory.mktemp("gateway")
    with ExitStack() as stack:
        hung = [stack.enter_context(unanswering_port()) for _ in range(2)]
        settings = {
            "PRODUCT_PORT": str(free_port()),
            "PRODUCT_PORT_2": str(free_port()),
            "ORDER_PORT": str(hung[0]),
            "ORDER_PORT_2": str(hung[1]),
            "GATEWAY_DEBUG_HEADERS": "1",
        }
        yield stack.enter_context(scratch_gateway(directory, **settings)), directory


def assert_gateway_error(response, status, words):
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert words in response.json()["detail"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Service" not in response.headers  # no service answered, even with the debug setting on


def test_every_instance_down_is_a_json_502(broken_gateway):
    url, _ = broken_gateway

    response = requests.get(f"{url}/api/v1/products/", timeout=10)

    assert_gateway_error(response, 502, "No instance of the service answered")


def test_instances_that_never_answer_are_a_json_504(broken_gateway):
    url, _ = broken_gateway
    started = time.monotonic()

    response = requests.get(f"{url}/api/v1/orders/", timeout=30)

    assert_gateway_error(response, 504, "did not answer in time")
    assert time.monotonic() - started < 10  # connect timeouts (2 s), not the 30 s read timeout


def test_a_body_the_gateway_cannot_buffer_is_a_json_500(broken_gateway):
    url, directory = broken_gateway
    # Bodies over client_body_buffer_size (64 KB) go to a temporary file: make its directory unusable,
    # as a full or read-only disk would.
    temp = directory / "nginx" / "temp" / "client_body"
    mode = temp.stat().st_mode
    temp.chmod(0)
    try:
        response = requests.post(
            f"{url}/api/v1/users/",
            data=b"x" * 100_000,
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
    finally:
        temp.chmod(mode)

    assert_gateway_error(response, 500, "The gateway failed")


def test_the_aggregated_health_says_which_services_are_down(broken_gateway):
    url, _ = broken_gateway

    response = requests.get(f"{url}/health", timeout=30)

    assert response.status_code == 503
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    services = response.json()["services"]
    assert (services["product"], services["order"], services["inventory"]) == (
        "unavailable",
        "unavailable",
        "ok",
    )


@pytest.mark.parametrize(
    ("path", "service"), [("/api/v1/inventory/", "inventory"), ("/user/api/redoc/", "user")]
)
def test_with_the_debug_setting_on_the_answering_service_is_named(broken_gateway, gateway_url, path, service):
    url, _ = broken_gateway

    debug = requests.get(f"{url}{path}", timeout=10)
    default = requests.get(f"{gateway_url}{path}", timeout=10)

    assert debug.headers["X-Service"] == service
    assert "X-Service" not in default.headers  # the stack's gateway runs with the default (off)

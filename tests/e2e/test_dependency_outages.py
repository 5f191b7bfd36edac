"""Issue 21: a dependency outage is a 503 naming the dependency, on every endpoint of every service, never a
500 (shared.outages). With PostgreSQL stopped, login and user verification answered 500.

Each server is stopped once for the module, for as short a time as the requests take: every request of
the tests below is sent in that window, side by side, then the server is started again and every service
is ready before any assertion. The requests: the endpoints the issue names, the admin (not a DRF view),
the health endpoints (which keep their own answer), and a sweep of every operation of every service that
uses the server, read from the services' own OpenAPI schemas (unknown ids, empty bodies: nothing changes).
"""

import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import requests

from shared.testing.gateway import PASSWORD, new_customer, new_email
from shared.testing.stack import stack
from shared.testing.waiting import wait_for
from tests.openapi import fetch_schema, is_staff_only, operations
from tests.security.logins import client_of_its_own, staff_login
from tests.shop import create_product

pytestmark = pytest.mark.slow
SERVICES_ON = {"postgres": ("user", "inventory", "notification"), "ferretdb": ("product", "order")}


@dataclass
class Call:
    name: str
    method: str
    path: str
    headers: dict = field(default_factory=dict)
    body: dict | None = None
    session: requests.Session | None = None


@dataclass
class Answer:
    status: int
    body: object
    retry_after: str | None


@contextmanager
def stopped(server: str, gateway_url: str):
    """``server`` stopped for the block; started again, and every service ready, whatever happened."""
    stack("stop", server)
    try:
        yield
    finally:
        stack("start", server)
        wait_for(
            lambda: requests.get(f"{gateway_url}/health", timeout=10).status_code == 200,
            timeout=60,
            what=f"every service ready again after {server} restarted",
        )


def send(gateway_url: str, call: Call) -> Answer:
    session = call.session or requests
    response = session.request(
        call.method,
        gateway_url + call.path,
        headers=call.headers,
        json=call.body,
        allow_redirects=False,
        timeout=40,
    )
    try:
        body = response.json()
    except ValueError:
        body = response.text[:300]
    return Answer(response.status_code, body, response.headers.get("Retry-After"))


def during_outage(server: str, gateway_url: str, calls: list[Call]) -> dict[str, Answer]:
    with ThreadPoolExecutor(max_workers=8) as pool, stopped(server, gateway_url):
        answers = list(pool.map(lambda call: send(gateway_url, call), calls))
    return {call.name: answer for call, answer in zip(calls, answers, strict=True)}


def sweep(gateway_url: str, services, staff, customer) -> list[Call]:
    """Every operation of ``services``, with unknown ids in its path and an empty body: a caller allowed
    to call it (staff for staff-only operations) gets past authentication to the first database read."""
    calls = []
    for service in services:
        for method, path, _operation in operations(fetch_schema(gateway_url, service)):
            who = staff if is_staff_only(service, method, path) else customer
            concrete = path.format_map(_AnyId())
            body = {} if method in ("POST", "PUT", "PATCH") else None
            calls.append(Call(f"sweep {method} {concrete}", method, concrete, who.headers, body))
    return calls


class _AnyId(dict):
    def __missing__(self, key):
        return str(uuid.uuid4())


def staff_console(gateway_url: str, staff) -> requests.Session:
    """A browser session with the staff cookie that opens every service's admin."""
    client = client_of_its_own(gateway_url)
    assert staff_login(client, staff.email, PASSWORD).status_code == 302
    return client


@pytest.fixture(scope="module")
def customer(gateway_url):
    return new_customer(gateway_url, "outage")


@pytest.fixture(scope="module")
def product(staff_account):
    return create_product(staff_account, initial_stock=50)


@pytest.fixture(scope="module")
def postgres_down(gateway_url, staff_account, customer, product):
    """The answers of every call while PostgreSQL was stopped."""
    staff, own = staff_account, client_of_its_own(gateway_url)
    calls = [
        Call("login", "POST", "/api/v1/auth/login", body={"email": customer.email, "password": PASSWORD},
             session=own),
        Call("register", "POST", "/api/v1/auth/register",
             body={"email": new_email("outage"), "password": PASSWORD}, session=own),
        Call("refresh", "POST", "/api/v1/auth/refresh", body={"refresh": customer.refresh}, session=own),
        Call("verify", "GET", f"/api/v1/users/{customer.user_id}/verify", staff.headers),
        Call("me", "GET", "/api/v1/users/me", customer.headers),
        Call("addresses", "GET", "/api/v1/users/me/addresses/", customer.headers),
        Call("inventory list", "GET", "/api/v1/inventory/", staff.headers),
        Call("inventory of a product", "GET", f"/api/v1/inventory/?product_id={product['id']}",
             staff.headers),
        Call("stock check", "GET", f"/api/v1/inventory/check?product_id={product['id']}&quantity=1",
             customer.headers),
        Call("notifications", "GET", "/api/v1/notifications/", staff.headers),
        Call("order", "POST", "/api/v1/orders/", customer.headers,
             {"items": [{"product_id": product["id"], "quantity": 1}]}),
        Call("inventory admin", "GET", "/inventory/admin/stock/item/",
             session=staff_console(gateway_url, staff)),
        Call("staff login form", "GET", "/user/admin/login/", session=client_of_its_own(gateway_url)),
        Call("user ready", "GET", "/health/user/ready"),
        Call("user live", "GET", "/health/user/live"),
        Call("products (MongoDB)", "GET", "/api/v1/products/?limit=1"),
    ]  # fmt: skip
    calls += sweep(gateway_url, SERVICES_ON["postgres"], staff, customer)
    return during_outage("postgres", gateway_url, calls)


@pytest.fixture(scope="module")
def ferretdb_down(gateway_url, staff_account, customer, product):
    """The answers of every call while FerretDB was stopped."""
    staff = staff_account
    sku = f"OUTAGE-{uuid.uuid4().hex[:8]}"
    calls = [
        Call("product search", "GET", f"/api/v1/products/?search={sku}"),
        Call("product", "GET", f"/api/v1/products/{uuid.uuid4()}"),
        Call("product create", "POST", "/api/v1/products/", staff.headers,
             {"sku": sku, "name": sku, "category": "outage", "price": "1.00", "initial_stock": 1}),
        Call("orders", "GET", "/api/v1/orders/", customer.headers),
        Call("order", "GET", f"/api/v1/orders/{uuid.uuid4()}", customer.headers),
        Call("order create", "POST", "/api/v1/orders/", customer.headers,
             {"items": [{"product_id": product["id"], "quantity": 1}]}),
        Call("product admin", "GET", "/product/admin/products/product/",
             session=staff_console(gateway_url, staff)),
        Call("product ready", "GET", "/health/product/ready"),
        Call("me (PostgreSQL)", "GET", "/api/v1/users/me", customer.headers),
    ]  # fmt: skip
    calls += sweep(gateway_url, SERVICES_ON["ferretdb"], staff, customer)
    return during_outage("ferretdb", gateway_url, calls)


def unavailable(answer: Answer, dependency: str) -> bool:
    """A 503 of shared.outages naming ``dependency``, with Retry-After."""
    body = answer.body if isinstance(answer.body, dict) else {}
    return (
        answer.status == 503
        and body.keys() == {"detail", "dependency"}
        and body["dependency"] == dependency
        and body["detail"].endswith("unavailable: retry shortly.")
        and answer.retry_after == "5"
    )


def no_500(answers: dict[str, Answer]) -> dict[str, tuple]:
    """The answers that are a 5xx other than a 503 naming a dependency (no instance is down here, so
    not even the gateway's 502 or 504 has a reason to appear)."""
    return {
        name: (answer.status, answer.body)
        for name, answer in answers.items()
        if answer.status >= 500
        and not (answer.status == 503 and isinstance(answer.body, dict) and "dependency" in answer.body)
        and not name.endswith(" ready")  # readiness answers 503 with its own body, by design
    }


NAMED_BY_THE_ISSUE = [
    "login", "register", "refresh", "verify", "me", "addresses", "inventory list", "inventory of a product",
    "stock check", "notifications", "inventory admin",
]  # fmt: skip


@pytest.mark.parametrize("name", NAMED_BY_THE_ISSUE)
def test_with_postgresql_down_an_endpoint_answers_503_naming_it(postgres_down, name):
    answer = postgres_down[name]
    assert unavailable(answer, "postgresql"), (answer.status, answer.body, answer.retry_after)


def test_with_postgresql_down_an_order_names_the_service_that_is_down(postgres_down):
    # order_svc checks the customer with user_svc, which answers 503: order_svc names user_svc.
    answer = postgres_down["order"]
    assert unavailable(answer, "user"), (answer.status, answer.body)


def test_with_postgresql_down_what_needs_no_database_still_answers(postgres_down):
    assert postgres_down["staff login form"].status == 200
    assert postgres_down["user live"].status == 200
    assert postgres_down["products (MongoDB)"].status == 200
    # Readiness keeps its own body: the checks, the failing one named.
    ready = postgres_down["user ready"]
    assert ready.status == 503 and ready.body["status"] == "unavailable"
    assert ready.body["checks"]["database"].startswith("error:") and ready.body["checks"]["redis"] == "ok"


def test_with_postgresql_down_no_operation_of_its_services_answers_500(postgres_down):
    swept = {name: answer for name, answer in postgres_down.items() if name.startswith("sweep ")}
    assert len(swept) > 20
    assert no_500(postgres_down) == {}
    assert sum(unavailable(answer, "postgresql") for answer in swept.values()) > 10


FERRETDB_NAMED = [
    "product search", "product", "product create", "orders", "order", "order create", "product admin",
]  # fmt: skip


@pytest.mark.parametrize("name", FERRETDB_NAMED)
def test_with_ferretdb_down_an_endpoint_answers_503_naming_it(ferretdb_down, name):
    answer = ferretdb_down[name]
    assert unavailable(answer, "mongodb"), (answer.status, answer.body, answer.retry_after)


def test_with_ferretdb_down_the_rest_still_answers(ferretdb_down):
    assert ferretdb_down["me (PostgreSQL)"].status == 200
    ready = ferretdb_down["product ready"]
    assert ready.status == 503 and ready.body["checks"]["mongo"].startswith("error:")


def test_with_ferretdb_down_no_operation_of_its_services_answers_500(ferretdb_down):
    swept = {name: answer for name, answer in ferretdb_down.items() if name.startswith("sweep ")}
    assert len(swept) > 10
    assert no_500(ferretdb_down) == {}
    assert sum(unavailable(answer, "mongodb") for answer in swept.values()) > 5

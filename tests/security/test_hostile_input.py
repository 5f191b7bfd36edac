"""Issue 11, auth probes: hostile input through the gateway: bodies over its size limit, and MongoDB
operators or regular expressions where the APIs take plain text.

Text is matched literally or refused with a 400; never a 5xx, never an operator. To tell the two apart,
a "hostile" product carries the attack strings literally: searching for one must find that product and
only products containing the text; an operator-shaped parameter name is unknown, so refused by name.
"""

import json
import re
import uuid

import pytest
import requests

from tests.conftest import REPO_DIR, gateway_address
from tests.security.refusals import assert_refused
from tests.shop import create_product, delete_product

NGINX_CONF = REPO_DIR / "deploy" / "nginx" / "nginx.conf.template"
HOSTILE_CATEGORY = '{"$ne": null}'
ATTACK_TEXTS = ['{"$gt": ""}', "(a+)+$", "(.*a){25}", ".*"]
SEARCH_TIMEOUT = 5  # seconds: a regex bomb that ran would hold the request far longer


def body_limit() -> int:
    """The gateway's client_max_body_size, in bytes."""
    size, unit = re.search(r"client_max_body_size\s+(\d+)([km]?);", NGINX_CONF.read_text()).groups()
    return int(size) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]


def products(params, timeout=10) -> requests.Response:
    """The public product list, as anyone may ask for it."""
    return requests.get(f"{gateway_address()}/api/v1/products/", params=params, timeout=timeout)


def order_count(customer) -> int:
    response = requests.get(f"{customer.gateway_url}/api/v1/orders/", headers=customer.headers, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["count"]


@pytest.fixture(scope="module")
def hostile(staff_account):
    """A product whose texts are the attack strings, and whose name ends in a run of "a" and a "!", the
    subject on which ``(a+)+$`` backtracks exponentially if it is ever run as a pattern."""
    tag = uuid.uuid4().hex[:12]
    made = create_product(
        staff_account,
        name=f"Hostile {tag} {'a' * 40}!",
        category=HOSTILE_CATEGORY,
        description="Literally: " + " ".join(ATTACK_TEXTS),
    )
    yield {**made, "tag": tag}
    delete_product(staff_account, made["id"])


# --- oversize bodies ---------------------------------------------------------------------------------


def oversize_cases(product) -> dict:
    """Per route: who posts, a body that would be accepted, and the listing that would count a creation."""
    sku = f"BIG-{uuid.uuid4().hex[:10]}"
    return {
        "product": ("staff", "/api/v1/products/", {
            "sku": sku, "name": f"Big {sku}", "category": "probes", "price": "1.00",
        }, f"/api/v1/products/?search={sku}"),
        "order": ("customer", "/api/v1/orders/", {
            "items": [{"product_id": product["id"], "quantity": 1}],
        }, "/api/v1/orders/"),
        "address": ("customer", "/api/v1/users/me/addresses/", {
            "label": "big", "line1": "1 Big St", "city": "Berlin", "postal_code": "10115", "country": "DE",
        }, "/api/v1/users/me/addresses/"),
    }  # fmt: skip


def post_padded(accounts, route, product, padding):
    """``(count before, the answer, count after)`` for a post of the route's body followed by ``padding``
    bytes of JSON whitespace (valid JSON; a field the services do not know would be a 400)."""
    who, path, body, listing = oversize_cases(product)[route]
    account = accounts[who]

    def count():
        response = requests.get(f"{account.gateway_url}{listing}", headers=account.headers, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["count"]

    before = count()
    response = requests.post(
        f"{account.gateway_url}{path}",
        data=json.dumps(body) + " " * padding,
        headers={**account.headers, "Content-Type": "application/json"},
        timeout=30,
    )
    return before, response, count()


@pytest.mark.parametrize("route", ["product", "order", "address"])
def test_a_body_over_the_gateway_limit_is_refused_with_413_and_creates_nothing(
    staff_account, customer_a, product, item, route
):
    # when
    before, response, after = post_padded(
        {"staff": staff_account, "customer": customer_a}, route, product, body_limit()
    )

    # then
    assert "limit" in assert_refused(response, 413)["detail"]
    assert after == before


def test_a_body_just_under_the_gateway_limit_reaches_the_service(staff_account, product):
    # when
    before, response, after = post_padded({"staff": staff_account}, "product", product, body_limit() - 1024)

    # then
    assert response.status_code == 201, response.text[:300]
    delete_product(staff_account, response.json()["id"])
    assert after == before + 1


# --- operator injection and regular expressions ------------------------------------------------------


@pytest.mark.parametrize("text", [*ATTACK_TEXTS, "[", "\\", "(?i", "$where"])
def test_product_search_matches_text_literally(hostile, text):
    # when
    response = products({"search": text, "limit": 100}, timeout=SEARCH_TIMEOUT)

    # then: the hostile product when it holds the text, and only products that hold it
    assert response.status_code == 200, response.text
    found = response.json()["results"]
    assert (hostile["id"] in {p["id"] for p in found}) == (text in ATTACK_TEXTS)
    assert all(text.casefold() in f"{p['name']} {p['description']}".casefold() for p in found), found


def test_an_operator_shaped_category_is_a_literal_category(hostile):
    response = products({"category": HOSTILE_CATEGORY, "limit": 100})

    assert response.status_code == 200, response.text
    found = response.json()["results"]
    assert hostile["id"] in {p["id"] for p in found}
    assert {p["category"] for p in found} == {HOSTILE_CATEGORY}


@pytest.mark.parametrize("name", ["category[$ne]", "min_price[$gt]", "ids[$nin]", "search[$regex]"])
def test_operator_shaped_product_parameters_are_refused_by_name(hostile, name):
    # An unknown parameter (issue 17: never silently ignored), so never an operator either.
    response = products({"search": hostile["tag"], name: "x"})

    assert name in assert_refused(response, 400)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ids", '{"$gt":""}'),
        ("min_price", '{"$gt": 0}'),
        ("ordering", '{"$natural": 1}'),
        ("limit", '{"$gt": 0}'),
    ],
)
def test_operator_shaped_product_values_are_a_400(name, value):
    response = products({name: value})

    assert name in assert_refused(response, 400)


@pytest.mark.parametrize("who", ["customer", "staff"])
@pytest.mark.parametrize("name", ["status[$ne]", "user_id[$ne]"])
def test_operator_shaped_order_filters_are_refused_by_name(gateway_url, staff_account, customer_a, who, name):
    account = customer_a if who == "customer" else staff_account

    response = requests.get(
        f"{gateway_url}/api/v1/orders/", params={name: "x"}, headers=account.headers, timeout=10
    )

    assert name in assert_refused(response, 400)


@pytest.mark.parametrize("who", ["customer", "staff"])
@pytest.mark.parametrize("name", ["status", "user_id"])
def test_operator_shaped_order_filter_values_are_a_400(gateway_url, staff_account, customer_a, who, name):
    account = customer_a if who == "customer" else staff_account

    response = requests.get(
        f"{gateway_url}/api/v1/orders/", params={name: '{"$ne": null}'}, headers=account.headers, timeout=10
    )

    assert name in assert_refused(response, 400)


@pytest.mark.parametrize(
    "items",
    [
        {"$gt": ""},
        [{"product_id": {"$gt": ""}, "quantity": 1}],
        [{"product_id": '{"$ne":null}', "quantity": 1}],
    ],
    ids=["items-operator", "product_id-operator", "product_id-operator-text"],
)
def test_operator_shaped_order_items_are_a_400(gateway_url, customer_a, items):
    # given
    before = order_count(customer_a)

    # when
    response = requests.post(
        f"{gateway_url}/api/v1/orders/", json={"items": items}, headers=customer_a.headers, timeout=10
    )

    # then
    assert "items" in assert_refused(response, 400)
    assert order_count(customer_a) == before


def test_login_with_operators_for_credentials_is_a_400(gateway_url):
    response = requests.post(
        f"{gateway_url}/api/v1/auth/login",
        json={"email": {"$gt": ""}, "password": {"$gt": ""}},
        timeout=10,
    )

    body = assert_refused(response, 400)
    assert {"email", "password"} <= set(body) and "access" not in body

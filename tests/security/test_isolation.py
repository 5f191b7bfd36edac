"""Issue 11, auth probes: customer A against customer B's orders and addresses, through the gateway.

Another person's object is a 404 (its existence is not revealed, CONTRACT.md), except the per-user order
list, which order_svc refuses with 403 ("self or staff": the id in the path is the caller's to give, so
the refusal reveals nothing). After each attempt B's object is read back unchanged.
"""

import pytest
import requests

from tests.security.refusals import assert_refused


def read_as(customer, path):
    response = requests.get(f"{customer.gateway_url}{path}", headers=customer.headers, timeout=10)
    assert response.status_code == 200, f"{path}: {response.text}"
    return response.json()


def test_a_cannot_read_b_order(gateway_url, customer_a, order_b):
    response = requests.get(
        f"{gateway_url}/api/v1/orders/{order_b['id']}", headers=customer_a.headers, timeout=10
    )

    assert_refused(response, 404)


def test_a_cannot_cancel_b_order(gateway_url, customer_a, customer_b, order_b):
    # given
    before = read_as(customer_b, f"/api/v1/orders/{order_b['id']}")

    # when
    response = requests.delete(
        f"{gateway_url}/api/v1/orders/{order_b['id']}", headers=customer_a.headers, timeout=10
    )

    # then
    assert_refused(response, 404)
    after = read_as(customer_b, f"/api/v1/orders/{order_b['id']}")
    assert (after["status"], after["status_history"]) == ("confirmed", before["status_history"])


def test_a_cannot_list_b_orders_by_user_id(gateway_url, customer_a, customer_b, order_b):
    # when
    response = requests.get(
        f"{gateway_url}/api/v1/orders/user/{customer_b.user_id}", headers=customer_a.headers, timeout=10
    )

    # then
    assert_refused(response, 403)
    own = read_as(customer_b, f"/api/v1/orders/user/{customer_b.user_id}")
    assert order_b["id"] in {order["id"] for order in own["results"]}


@pytest.mark.parametrize("ask_for_b", [False, True], ids=["plain", "user_id-of-b"])
def test_a_does_not_see_b_orders_in_the_order_list(
    gateway_url, customer_a, customer_b, order_a, order_b, ask_for_b
):
    # given: the staff filter by owner, which a customer's list must ignore
    params = {"user_id": customer_b.user_id} if ask_for_b else {}

    # when
    response = requests.get(
        f"{gateway_url}/api/v1/orders/", params=params, headers=customer_a.headers, timeout=10
    )

    # then: A's own orders and no one else's
    assert response.status_code == 200, response.text
    listed = response.json()["results"]
    assert order_a["id"] in {order["id"] for order in listed}
    assert {order["user_id"] for order in listed} == {customer_a.user_id}


def test_a_cannot_ship_an_order_to_b_address(gateway_url, customer_a, product, address_b):
    # given
    orders_before = read_as(customer_a, "/api/v1/orders/")["count"]

    # when
    response = requests.post(
        f"{gateway_url}/api/v1/orders/",
        json={
            "items": [{"product_id": product["id"], "quantity": 1}],
            "shipping_address_id": address_b["id"],
        },
        headers=customer_a.headers,
        timeout=10,
    )

    # then: no order, and nothing of B's address in the answer
    body = assert_refused(response, 400)
    assert "shipping_address_id" in body
    assert address_b["line1"] not in response.text
    assert read_as(customer_a, "/api/v1/orders/")["count"] == orders_before


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("GET", None),
        ("PATCH", {"line1": "1 Attacker Ave", "is_default": True}),
        (
            "PUT",
            {"label": "mine", "line1": "1 Attacker Ave", "city": "X", "postal_code": "1", "country": "DE"},
        ),
        ("DELETE", None),
    ],
)
def test_a_cannot_reach_b_address(gateway_url, customer_a, customer_b, address_b, method, body):
    # given
    path = f"/api/v1/users/me/addresses/{address_b['id']}"

    # when
    response = requests.request(
        method, f"{gateway_url}{path}", json=body, headers=customer_a.headers, timeout=10
    )

    # then
    assert_refused(response, 404)
    assert read_as(customer_b, path) == address_b

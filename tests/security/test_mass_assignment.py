"""Issue 11, auth probes: fields a client may not set, sent anyway: staff flags at registration and in the
profile, another user's id, a status and prices in an order, ids and timestamps of a product. Each is
ignored (the platform decides them), and the test reads back what was stored.
"""

import uuid
from decimal import Decimal

import jwt
import pytest
import requests

from tests.accounts import log_in, new_email, register
from tests.shop import cancel_order

FORGED_ID = "00000000-0000-4000-8000-000000000000"
LONG_AGO = "2000-01-01T00:00:00Z"


def test_registration_cannot_make_a_staff_account(gateway_url):
    # given
    email = new_email("climber")

    # when
    registered = register(gateway_url, email, is_staff=True, is_superuser=True, id=FORGED_ID)

    # then
    assert registered.status_code == 201, registered.text
    assert (registered.json()["is_staff"], registered.json()["id"] != FORGED_ID) == (False, True)
    account = log_in(gateway_url, email)
    assert jwt.decode(account.access, options={"verify_signature": False})["is_staff"] is False
    me = requests.get(f"{gateway_url}/api/v1/users/me", headers=account.headers, timeout=10).json()
    assert (me["is_staff"], me["id"]) == (False, registered.json()["id"])
    staff_only = requests.get(f"{gateway_url}/api/v1/inventory/", headers=account.headers, timeout=10)
    assert staff_only.status_code == 403, staff_only.text


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_a_profile_update_cannot_change_staff_flags_id_or_email(gateway_url, customer_a, customer_b, method):
    # given
    body = {
        "first_name": "Alice",
        "last_name": method,
        "is_staff": True,
        "is_superuser": True,
        "id": customer_b.id,
        "email": customer_b.email,
        "date_joined": LONG_AGO,
    }

    # when
    response = requests.request(
        method, f"{gateway_url}/api/v1/users/me", json=body, headers=customer_a.headers, timeout=10
    )

    # then: the names changed, nothing else
    assert response.status_code == 200, response.text
    me = requests.get(f"{gateway_url}/api/v1/users/me", headers=customer_a.headers, timeout=10).json()
    assert response.json() == me
    assert (me["id"], me["email"], me["is_staff"]) == (customer_a.id, customer_a.email, False)
    assert (me["first_name"], me["last_name"]) == ("Alice", method)
    assert not me["date_joined"].startswith("2000")
    customer_a.renew()  # claims are stamped from the database on rotation
    claims = jwt.decode(customer_a.access, options={"verify_signature": False})
    assert (claims["user_id"], claims["email"], claims["is_staff"]) == (
        customer_a.id,
        customer_a.email,
        False,
    )


def test_an_order_takes_its_owner_status_and_prices_from_the_platform(
    gateway_url, customer_a, customer_b, product
):
    # given: an order naming B as owner, already confirmed, at a price of one cent
    body = {
        "id": FORGED_ID,
        "user_id": customer_b.id,
        "status": "confirmed",
        "total": "0.01",
        "currency": "XTS",
        "status_history": [{"status": "delivered", "at": LONG_AGO, "reason": None}],
        "items": [
            {
                "product_id": product["id"],
                "quantity": 2,
                "unit_price": "0.01",
                "price": "0.01",
                "line_total": "0.02",
                "sku": "FREE",
                "name": "Free",
            }
        ],
    }

    # when
    response = requests.post(
        f"{gateway_url}/api/v1/orders/", json=body, headers=customer_a.headers, timeout=10
    )

    # then
    assert response.status_code == 201, response.text
    order = response.json()
    cancel_order(customer_a, order["id"])
    assert (order["id"] != FORGED_ID, order["user_id"], order["status"]) == (True, customer_a.id, "pending")
    assert [entry["status"] for entry in order["status_history"]] == ["pending"]
    price, total = product["price"], str(2 * Decimal(product["price"]))
    assert (order["currency"], order["total"]) == (product["currency"], total)
    assert order["items"] == [
        {
            "product_id": product["id"],
            "sku": product["sku"],
            "name": product["name"],
            "unit_price": price,
            "quantity": 2,
            "line_total": total,
        }
    ]
    b_orders = requests.get(f"{gateway_url}/api/v1/orders/", headers=customer_b.headers, timeout=10).json()
    assert order["id"] not in {listed["id"] for listed in b_orders["results"]}


def test_staff_cannot_choose_a_product_id_or_its_timestamps(gateway_url, staff_account):
    # given
    sku = f"SEC-{uuid.uuid4().hex[:10]}"
    forged = {"id": FORGED_ID, "_id": FORGED_ID, "created_at": LONG_AGO, "updated_at": LONG_AGO}
    body = {"sku": sku, "name": f"Probe {sku}", "category": "probes", "price": "5.00", "price_cents": 1}

    # when: created, then patched, with an id and timestamps of the client's choosing
    created = requests.post(
        f"{gateway_url}/api/v1/products/",
        json={**body, **forged, "is_deleted": True},
        headers=staff_account.headers,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    product_id = created.json()["id"]
    patched = requests.patch(
        f"{gateway_url}/api/v1/products/{product_id}",
        json={**forged, "name": "Renamed", "price_cents": 1},
        headers=staff_account.headers,
        timeout=10,
    )

    # then
    assert patched.status_code == 200, patched.text
    stored = requests.get(f"{gateway_url}/api/v1/products/{product_id}", timeout=10)
    requests.delete(f"{gateway_url}/api/v1/products/{product_id}", headers=staff_account.headers, timeout=10)
    assert stored.status_code == 200, stored.text  # "is_deleted" was not taken either
    product = stored.json()
    assert product_id != FORGED_ID
    assert (product["id"], product["name"], product["price"]) == (product_id, "Renamed", "5.00")
    assert product["created_at"] == created.json()["created_at"]
    assert not product["created_at"].startswith("2000") and not product["updated_at"].startswith("2000")
    assert requests.get(f"{gateway_url}/api/v1/products/{FORGED_ID}", timeout=10).status_code == 404


def test_an_address_belongs_to_its_creator_whatever_owner_it_names(gateway_url, customer_a, customer_b):
    # given
    addresses = f"{gateway_url}/api/v1/users/me/addresses/"
    b_before = requests.get(addresses, headers=customer_b.headers, timeout=10).json()["count"]
    body = {
        "label": "planted",
        "line1": "3 Planted Way",
        "city": "Bonn",
        "postal_code": "53111",
        "country": "DE",
    }

    # when
    response = requests.post(
        addresses,
        json={**body, "user": customer_b.id, "user_id": customer_b.id, "id": FORGED_ID},
        headers=customer_a.headers,
        timeout=10,
    )

    # then
    assert response.status_code == 201, response.text
    address_id = response.json()["id"]
    own = requests.get(f"{addresses}{address_id}", headers=customer_a.headers, timeout=10)
    requests.delete(f"{addresses}{address_id}", headers=customer_a.headers, timeout=10)
    assert (address_id != FORGED_ID, own.status_code) == (True, 200)
    assert requests.get(addresses, headers=customer_b.headers, timeout=10).json()["count"] == b_before

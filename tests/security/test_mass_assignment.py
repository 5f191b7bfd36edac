"""Issue 11, auth probes, as issue 17 made them: fields a client may not set, sent anyway — staff flags at
registration and in the profile, another user's id, a status and prices in an order, ids and timestamps
of a product, another owner of an address. Each is refused with a 400 naming every such field (never
silently dropped), and the test reads back that nothing was stored or changed.
"""

import uuid

import pytest
import requests

from shared.testing.gateway import PASSWORD, Client, new_email

FORGED_ID = "00000000-0000-4000-8000-000000000000"
LONG_AGO = "2000-01-01T00:00:00Z"


def assert_names(response, *fields):
    assert response.status_code == 400, response.text
    assert set(fields) <= set(response.json()), response.text


def test_registration_cannot_make_a_staff_account(gateway_url):
    account = Client(gateway_url, new_email("climber"))

    registered = account.register(is_staff=True, is_superuser=True, id=FORGED_ID)

    assert registered.status == 400, registered.body
    assert {"is_staff", "is_superuser", "id"} <= set(registered.body), registered.body
    login = requests.post(
        f"{gateway_url}/api/v1/auth/login", json={"email": account.email, "password": PASSWORD}, timeout=10
    )
    assert login.status_code == 401, login.text  # no account was made
    assert account.register().status == 201  # the email is still free
    account.log_in()
    staff_only = requests.get(f"{gateway_url}/api/v1/inventory/", headers=account.headers, timeout=10)
    assert staff_only.status_code == 403, staff_only.text


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_a_profile_update_cannot_change_staff_flags_id_or_email(gateway_url, customer_a, customer_b, method):
    me_url = f"{gateway_url}/api/v1/users/me"
    before = requests.get(me_url, headers=customer_a.headers, timeout=10).json()
    forged = {
        "is_staff": True,
        "is_superuser": True,
        "id": customer_b.user_id,
        "email": customer_b.email,
        "date_joined": LONG_AGO,
    }

    response = requests.request(
        method, me_url, json={"first_name": "Mallory", **forged}, headers=customer_a.headers, timeout=10
    )

    assert_names(response, *forged)
    assert requests.get(me_url, headers=customer_a.headers, timeout=10).json() == before  # not even the name


def test_an_order_takes_its_owner_status_and_prices_from_the_platform(gateway_url, customer_a, product):
    orders = f"{gateway_url}/api/v1/orders/"
    before = requests.get(orders, headers=customer_a.headers, timeout=30).json()["count"]
    forged = {
        "id": FORGED_ID,
        "user_id": FORGED_ID,
        "status": "confirmed",
        "total": "0.01",
        "currency": "XTS",
        "status_history": [{"status": "delivered", "at": LONG_AGO, "reason": None}],
    }
    forged_line = {"unit_price": "0.01", "line_total": "0.02", "sku": "FREE", "name": "Free"}

    response = requests.post(
        orders,
        json={**forged, "items": [{"product_id": product["id"], "quantity": 2, **forged_line}]},
        headers=customer_a.headers,
        timeout=10,
    )

    assert_names(response, *forged)
    line_errors = requests.post(
        orders,
        json={"items": [{"product_id": product["id"], "quantity": 2, **forged_line}]},
        headers=customer_a.headers,
        timeout=10,
    )
    assert_names(line_errors, "items")
    line = line_errors.json()["items"]  # DRF keys a list's errors by position: a list, or {"0": ...}
    assert set(forged_line) <= set(line[0] if isinstance(line, list) else line["0"]), line_errors.text
    assert requests.get(orders, headers=customer_a.headers, timeout=30).json()["count"] == before


def test_staff_cannot_choose_a_product_id_or_its_timestamps(gateway_url, staff_account):
    sku = f"SEC-{uuid.uuid4().hex[:10]}"
    products = f"{gateway_url}/api/v1/products/"
    forged = {"id": FORGED_ID, "_id": FORGED_ID, "created_at": LONG_AGO, "updated_at": LONG_AGO}
    body = {"sku": sku, "name": f"Probe {sku}", "category": "probes", "price": "5.00"}

    created = requests.post(
        products, json={**body, **forged, "is_deleted": True}, headers=staff_account.headers, timeout=10
    )

    assert_names(created, *forged, "is_deleted")
    assert requests.get(products, params={"search": sku}, timeout=10).json()["count"] == 0
    made = requests.post(products, json=body, headers=staff_account.headers, timeout=10).json()
    try:
        patched = requests.patch(
            f"{products}{made['id']}",
            json={**forged, "name": "Renamed"},
            headers=staff_account.headers,
            timeout=10,
        )
        assert_names(patched, *forged)
        stored = requests.get(f"{products}{made['id']}", timeout=10).json()
        assert (stored["name"], stored["updated_at"]) == (made["name"], made["updated_at"])
    finally:
        requests.delete(f"{products}{made['id']}", headers=staff_account.headers, timeout=10)
    assert requests.get(f"{products}{FORGED_ID}", timeout=10).status_code == 404


def test_an_address_belongs_to_its_creator_whatever_owner_it_names(gateway_url, customer_a, customer_b):
    addresses = f"{gateway_url}/api/v1/users/me/addresses/"
    counts = [
        requests.get(addresses, headers=c.headers, timeout=10).json()["count"]
        for c in (customer_a, customer_b)
    ]
    body = {
        "label": "planted",
        "line1": "3 Planted Way",
        "city": "Bonn",
        "postal_code": "53111",
        "country": "DE",
    }

    response = requests.post(
        addresses,
        json={**body, "user": customer_b.user_id, "user_id": customer_b.user_id, "id": FORGED_ID},
        headers=customer_a.headers,
        timeout=10,
    )

    assert_names(response, "user", "user_id", "id")
    after = [
        requests.get(addresses, headers=c.headers, timeout=10).json()["count"]
        for c in (customer_a, customer_b)
    ]
    assert after == counts

"""Issue 11, auth probes: hostile bearer tokens on one protected route of each of the five services, and
refresh tokens replayed after rotation or logout, all through the gateway.

shared/tests/service/test_auth.py proves each refusal inside every service's settings; these prove it
on the routes as deployed: gateway, gunicorn, each service's own views and permissions.
"""

import uuid

import pytest
import requests

from shared.testing.gateway import new_customer
from tests.security import forgery
from tests.security.refusals import assert_refused

# (method, path, answer to the genuine customer token) per service.
PROTECTED = {
    "order": ("GET", "/api/v1/orders/", 200),
    "inventory": ("GET", "/api/v1/inventory/", 403),
    "user": ("GET", "/api/v1/users/me", 200),
    "notification": ("GET", "/api/v1/notifications/", 403),
    "product": ("POST", "/api/v1/products/", 403),
}
FORGERIES = {
    "expired": forgery.expired,
    "wrong-signature": forgery.wrong_signature,
    "alg-none": forgery.unsigned,
    "tampered-is-staff": forgery.tampered,
    "hs256-keyed-with-the-public-key": forgery.public_key_as_hmac_secret,
}


def new_product_body() -> dict:
    sku = f"FORGED-{uuid.uuid4().hex[:10]}"
    return {"sku": sku, "name": f"Forged {sku}", "category": "probes", "price": "1.00", "initial_stock": 5}


def body_for(service) -> dict | None:
    """A body staff would get a 201 for, on the one write route; None on the reads."""
    return new_product_body() if PROTECTED[service][0] == "POST" else None


def call(gateway_url, service, headers, body=None):
    method, path, _ = PROTECTED[service]
    return requests.request(method, f"{gateway_url}{path}", headers=headers, json=body, timeout=10)


def products_named(staff, text) -> int:
    response = requests.get(
        f"{staff.gateway_url}/api/v1/products/", params={"search": text}, headers=staff.headers, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()["count"]


def fresh_access(customer) -> str:
    """The customer's access token, renewed first when old: a forgery must have no defect but its own."""
    return customer.headers["Authorization"].removeprefix("Bearer ")


def bearer_of(kind, customer) -> dict[str, str]:
    if kind == "missing":
        return {}
    if kind == "refresh-as-access":
        return {"Authorization": f"Bearer {customer.refresh}"}
    return {"Authorization": f"Bearer {FORGERIES[kind](fresh_access(customer))}"}


@pytest.mark.parametrize("service", PROTECTED)
def test_the_genuine_customer_token_passes_authentication(gateway_url, customer_a, service):
    response = call(gateway_url, service, customer_a.headers, body_for(service))

    assert response.status_code == PROTECTED[service][2], response.text


def test_the_forged_claims_would_be_honoured_if_the_platform_had_signed_them(gateway_url, customer_a):
    # given: a customer's claims with is_staff flipped, signed with user_svc's own private key
    token = forgery.platform_signed(forgery.claims_of(fresh_access(customer_a), is_staff=True))

    # when
    response = call(gateway_url, "inventory", {"Authorization": f"Bearer {token}"})

    # then: only the signature stands between a customer and staff rights
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("service", PROTECTED)
@pytest.mark.parametrize("kind", ["missing", *FORGERIES, "refresh-as-access"])
def test_a_missing_or_forged_token_is_refused_with_401(gateway_url, staff_account, customer_a, kind, service):
    # given
    headers = bearer_of(kind, customer_a)
    body = body_for(service)

    # when
    response = call(gateway_url, service, headers, body)

    # then
    assert_refused(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if body is not None:
        assert products_named(staff_account, body["sku"]) == 0


def test_a_refresh_token_is_refused_once_it_has_been_used(gateway_url):
    # given: a pair rotated once
    holder = new_customer(gateway_url, "rotator")
    used = holder.refresh
    holder.renew()

    # when
    response = requests.post(f"{gateway_url}/api/v1/auth/refresh", json={"refresh": used}, timeout=10)

    # then: refused, while the pair it was exchanged for works
    assert "access" not in assert_refused(response, 401)
    me = requests.get(f"{gateway_url}/api/v1/users/me", headers=holder.headers, timeout=10)
    assert me.status_code == 200, me.text


def test_a_refresh_token_is_refused_after_logout(gateway_url):
    # given
    holder = new_customer(gateway_url, "leaver")
    logout = requests.post(f"{gateway_url}/api/v1/auth/logout", json={"refresh": holder.refresh}, timeout=10)
    assert logout.status_code == 204, logout.text

    # when
    response = requests.post(
        f"{gateway_url}/api/v1/auth/refresh", json={"refresh": holder.refresh}, timeout=10
    )

    # then
    assert "access" not in assert_refused(response, 401)

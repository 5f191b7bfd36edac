"""Issue 11, auth probes: a customer's genuine token on every staff-only operation of every service, found
in the services' own OpenAPI schemas (tests/openapi.py says which are staff-only, per CONTRACT.md), so an
operation added later is probed without changing this module.

Each call names real objects and carries a body that staff would get a 2xx for, so a missing permission
check would change something; the test then checks that nothing did.
"""

import re
import uuid

import pytest
import requests

from tests.conftest import SERVICES
from tests.openapi import fetch_schema, is_staff_only, operations


def bodies(tag: str, product: dict, order: dict) -> dict:
    """A plausible JSON body per (method, schema path) of the staff-only writes; others send none."""
    product_body = {"sku": tag, "name": f"Probe {tag}", "category": "probes", "price": "0.01"}
    return {
        ("POST", "/api/v1/products/"): {**product_body, "initial_stock": 5},
        ("PUT", "/api/v1/products/{id}/"): product_body,
        ("PATCH", "/api/v1/products/{id}/"): {"price": "0.01", "is_active": False},
        # The order is confirmed: cancelling it is a transition staff may make, and so is paying it.
        ("PUT", "/api/v1/orders/{id}/status/"): {"status": "cancelled", "reason": "probe"},
        ("POST", "/api/v1/orders/{id}/payments/"): {
            "amount": order["total"],
            "currency": order["currency"],
            "reference": tag,
        },
        ("POST", "/api/v1/orders/{id}/refunds/"): {"amount": order["total"], "reason": "probe"},
        ("POST", "/api/v1/inventory/"): {"product_id": tag, "sku": tag, "quantity": 5},
        ("PUT", "/api/v1/inventory/{id}/"): {"sku": tag, "quantity": 0, "reorder_threshold": 0},
        ("PATCH", "/api/v1/inventory/{id}/"): {"quantity": 0, "reason": "probe"},
        ("POST", "/api/v1/inventory/reserve/"): {
            "order_id": tag,
            "items": [{"product_id": product["id"], "quantity": 1}],
        },
        ("POST", "/api/v1/inventory/release/"): {"order_id": order["id"]},
        ("POST", "/api/v1/notifications/test/"): {"recipient": f"{tag}@example.com"},
    }


def fill(path: str, values: dict[str, str]) -> str:
    """The path with its parameters set from ``values`` (a random uuid for any other)."""
    return re.sub(r"\{(\w+)\}", lambda match: values.get(match.group(1), str(uuid.uuid4())), path)


def world(staff, tag, product, item, order, notification) -> dict:
    """What a staff-only write by the customer would change, as staff sees it."""

    def get(path, **params):
        response = requests.get(
            f"{staff.gateway_url}{path}", params=params, headers=staff.headers, timeout=10
        )
        assert response.status_code == 200, f"{path}: {response.text}"
        return response.json()

    recent = get("/api/v1/notifications/", limit=100)["results"]
    return {
        "product": get(f"/api/v1/products/{product['id']}"),
        "products tagged": get("/api/v1/products/", search=tag)["count"],
        "order": get(f"/api/v1/orders/{order['id']}"),
        "item": get(f"/api/v1/inventory/{item['id']}"),
        "item history": get(f"/api/v1/inventory/{item['id']}/history")["count"],
        "items tagged": get("/api/v1/inventory/", product_id=tag)["count"],
        "notification": get(f"/api/v1/notifications/{notification['id']}"),
        "notifications to tag": [n for n in recent if n["recipient"] == f"{tag}@example.com"],
    }


@pytest.mark.parametrize("service", SERVICES)
def test_a_customer_is_refused_every_staff_only_operation(
    gateway_url, staff_account, customer_a, product, item, order_a, notification, service
):
    # given: the service's staff-only operations, with real ids in their paths
    staff_only = [
        (method, path)
        for method, path, _ in operations(fetch_schema(gateway_url, service))
        if is_staff_only(service, method, path)
    ]
    assert staff_only, f"{service}: no staff-only operation in the schema"
    tag = f"probe-{uuid.uuid4().hex[:12]}"
    path_values = {
        "product": {"id": product["id"]},
        "order": {"id": order_a["id"]},
        "inventory": {"id": item["id"]},
        "user": {"user_id": customer_a.user_id},  # even for the caller's own id (CONTRACT.md)
        "notification": {"id": notification["id"]},
    }[service]
    body_of = bodies(tag, product, order_a)
    before = world(staff_account, tag, product, item, order_a, notification)

    # when
    answers = {}
    for method, path in staff_only:
        response = requests.request(
            method,
            f"{gateway_url}{fill(path, path_values)}",
            json=body_of.get((method, path)),
            headers=customer_a.headers,
            timeout=10,
        )
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        answers[f"{method} {path}"] = (response.status_code, is_json and "detail" in response.json())

    # then
    assert answers == dict.fromkeys(answers, (403, True))
    assert world(staff_account, tag, product, item, order_a, notification) == before

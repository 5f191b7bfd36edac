"""The platform's two data flows, end to end, through the gateway only, as a client would see them."""

import uuid

import pytest
import requests

from shared.testing.waiting import wait_for
from tests.shop import settled_order

pytestmark = pytest.mark.slow


def _item(gateway_url, staff, product_id):
    found = requests.get(
        f"{gateway_url}/api/v1/inventory/", params={"product_id": product_id}, headers=staff, timeout=10
    )
    results = found.json()["results"]
    return results[0] if results else None


def test_product_creation_then_order_low_stock_failure_and_cancel(gateway_url, mailpit_url, staff, customer):
    # Flow 1: staff creates a product with 40 units -> its inventory item appears with threshold 5.
    sku = f"E2E-{uuid.uuid4().hex[:8]}"
    created = requests.post(
        f"{gateway_url}/api/v1/products/",
        json={
            "sku": sku,
            "name": f"Mug {sku}",
            "category": "kitchen",
            "price": "12.50",
            "initial_stock": 40,
        },
        headers=staff,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    product_id = created.json()["id"]
    item = wait_for(lambda: _item(gateway_url, staff, product_id), what="the inventory item")
    assert (item["quantity"], item["reorder_threshold"], item["available"]) == (40, 5, 40)

    # Flow 2: the customer browses, orders 36 -> confirmed, 4 left, one low-stock email and notification.
    listed = requests.get(f"{gateway_url}/api/v1/products/", params={"search": sku}, timeout=10).json()
    assert [p["id"] for p in listed["results"]] == [product_id]
    order = requests.post(
        f"{gateway_url}/api/v1/orders/", json={"items": [{"product_id": product_id, "quantity": 36}]},
        headers=customer, timeout=10,
    )  # fmt: skip
    assert order.status_code == 201, order.text
    assert (order.json()["status"], order.json()["total"]) == ("pending", "450.00")
    confirmed = settled_order(gateway_url, customer, order.json()["id"])
    assert confirmed["status"] == "confirmed"
    assert _item(gateway_url, staff, product_id)["available"] == 4

    def low_stock_mail():
        found = requests.get(f"{mailpit_url}/api/v1/search", params={"query": sku}, timeout=10).json()
        return found["messages"]

    assert len(wait_for(low_stock_mail, what="the low-stock email")) == 1

    def sent_notification():
        listed = requests.get(
            f"{gateway_url}/api/v1/notifications/",
            params={"kind": "low_stock", "status": "sent"},
            headers=staff,
            timeout=10,
        ).json()
        return [n for n in listed["results"] if sku in n["subject"]]

    assert wait_for(sent_notification, what="the sent notification")

    # Flow 3: an order beyond the stock fails with the shortage; cancelling the first gives the 36 back.
    second = requests.post(
        f"{gateway_url}/api/v1/orders/", json={"items": [{"product_id": product_id, "quantity": 10}]},
        headers=customer, timeout=10,
    ).json()  # fmt: skip
    failed = settled_order(gateway_url, customer, second["id"])
    assert failed["status"] == "failed"
    assert "insufficient stock" in failed["failure_reason"]
    cancelled = requests.delete(
        f"{gateway_url}/api/v1/orders/{order.json()['id']}", headers=customer, timeout=10
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    wait_for(lambda: _item(gateway_url, staff, product_id)["available"] == 40, what="the released stock")

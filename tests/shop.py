"""Things the gateway tests make through the API, as a client would: a product with stock (and its
inventory item, which arrives through Kafka), an order, an address, a notification."""

import uuid
from contextlib import contextmanager

import requests

from shared.testing.gateway import Client
from shared.testing.waiting import wait_for


def create_product(staff: Client, **fields) -> dict:
    sku = f"SEC-{uuid.uuid4().hex[:10]}"
    body = {"sku": sku, "name": f"Probe {sku}", "category": "probes", "price": "5.00", "initial_stock": 1000}
    response = requests.post(
        f"{staff.gateway_url}/api/v1/products/", json={**body, **fields}, headers=staff.headers, timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()


def inventory_item(staff: Client, product_id: str) -> dict:
    """The product's inventory item, once the product.created event has made it."""

    def found():
        response = requests.get(
            f"{staff.gateway_url}/api/v1/inventory/",
            params={"product_id": product_id},
            headers=staff.headers,
            timeout=10,
        )
        return response.json()["results"]

    return wait_for(found, what=f"the inventory item of {product_id}")[0]


def delete_product(staff: Client, product_id: str) -> None:
    requests.delete(f"{staff.gateway_url}/api/v1/products/{product_id}", headers=staff.headers, timeout=10)


def place_order(customer: Client, product_id: str, quantity: int = 1) -> dict:
    response = requests.post(
        f"{customer.gateway_url}/api/v1/orders/",
        json={"items": [{"product_id": product_id, "quantity": quantity}]},
        headers=customer.headers,
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def settled_order(gateway_url: str, headers: dict, order_id: str) -> dict:
    """The order once the saga has moved it out of ``pending``."""

    def done():
        order = requests.get(f"{gateway_url}/api/v1/orders/{order_id}", headers=headers, timeout=10).json()
        return order if order["status"] != "pending" else None

    return wait_for(done, what=f"the saga to settle order {order_id}")


def cancel_order(customer: Client, order_id: str) -> None:
    # 409 when it is already terminal; either way no stock stays reserved for it.
    requests.delete(f"{customer.gateway_url}/api/v1/orders/{order_id}", headers=customer.headers, timeout=10)


def add_address(customer: Client, **fields) -> dict:
    body = {"label": "home", "line1": "1 Probe St", "city": "Berlin", "postal_code": "10115", "country": "DE"}
    response = requests.post(
        f"{customer.gateway_url}/api/v1/users/me/addresses/",
        json={**body, **fields},
        headers=customer.headers,
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def send_test_notification(staff: Client) -> dict:
    response = requests.post(
        f"{staff.gateway_url}/api/v1/notifications/test",
        json={"recipient": "probe@example.com", "subject": "Probe"},
        headers=staff.headers,
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return response.json()


@contextmanager
def made_objects(staff, customer):
    """Path parameter values per service: objects made for the block, removed afterwards."""
    product = create_product(staff)
    item = inventory_item(staff, product["id"])
    order = place_order(customer, product["id"])
    address = add_address(customer)
    notification = send_test_notification(staff)
    yield {
        "product": {"id": product["id"]},
        "inventory": {"id": item["id"]},
        "order": {"id": order["id"], "user_id": customer.user_id},
        "user": {"id": address["id"], "user_id": customer.user_id},
        "notification": {"id": notification["id"]},
    }
    cancel_order(customer, order["id"])
    delete_product(staff, product["id"])

"""What the auth probes act on: two customers who must not reach each other's things, the session's staff,
a product with stock, each customer's settled order, B's address and a real notification.

Every account logs in once for the whole package (user_svc throttles logins per account and per client
address, and the gateway limits /api/v1/auth/), so the fixtures are session-scoped.
"""

import pytest

from shared.testing.gateway import Client, new_customer
from tests.shop import (
    add_address,
    cancel_order,
    create_product,
    delete_product,
    inventory_item,
    place_order,
    send_test_notification,
    settled_order,
)


@pytest.fixture(scope="session")
def customer_a(gateway_url) -> Client:
    return new_customer(gateway_url, "alice")


@pytest.fixture(scope="session")
def customer_b(gateway_url) -> Client:
    return new_customer(gateway_url, "bob")


@pytest.fixture(scope="session")
def product(staff_account):
    made = create_product(staff_account)
    yield made
    delete_product(staff_account, made["id"])


@pytest.fixture(scope="session")
def item(staff_account, product) -> dict:
    """The product's inventory item (it must exist before any order can be confirmed)."""
    return inventory_item(staff_account, product["id"])


@pytest.fixture(scope="session")
def order_a(gateway_url, customer_a, product, item):
    order = settled_order(gateway_url, customer_a.headers, place_order(customer_a, product["id"])["id"])
    assert order["status"] == "confirmed", order
    yield order
    cancel_order(customer_a, order["id"])


@pytest.fixture(scope="session")
def order_b(gateway_url, customer_b, product, item):
    order = settled_order(gateway_url, customer_b.headers, place_order(customer_b, product["id"])["id"])
    assert order["status"] == "confirmed", order
    yield order
    cancel_order(customer_b, order["id"])


@pytest.fixture(scope="session")
def address_b(customer_b) -> dict:
    return add_address(customer_b, label="bob's home", line1="2 Private Rd")


@pytest.fixture(scope="session")
def notification(staff_account) -> dict:
    return send_test_notification(staff_account)

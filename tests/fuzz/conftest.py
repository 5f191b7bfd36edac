"""What the fuzzer works with: its own customer, and real objects whose ids it puts into the paths of
valid requests, so that reads, updates and deletes get past "404" and their answers are checked too."""

import pytest

from tests.accounts import new_customer
from tests.fuzz.fuzzer import Fuzzer
from tests.shop import (
    add_address,
    cancel_order,
    create_product,
    delete_product,
    inventory_item,
    place_order,
    send_test_notification,
)


@pytest.fixture(scope="session")
def fuzz_customer(gateway_url):
    """The fuzzer's own customer: fuzzed profile, address and password calls land on it, never on the
    accounts other tests reason about."""
    return new_customer(gateway_url, "fuzz")


@pytest.fixture(scope="session")
def known_ids(staff_account, fuzz_customer):
    """Path parameter values per service: objects made for this run, removed afterwards."""
    product = create_product(staff_account)
    item = inventory_item(staff_account, product["id"])
    order = place_order(fuzz_customer, product["id"])
    address = add_address(fuzz_customer)
    notification = send_test_notification(staff_account)
    yield {
        "product": {"id": product["id"]},
        "inventory": {"id": item["id"]},
        "order": {"id": order["id"], "user_id": fuzz_customer.id},
        "user": {"id": address["id"], "user_id": fuzz_customer.id},
        "notification": {"id": notification["id"]},
    }
    cancel_order(fuzz_customer, order["id"])
    delete_product(staff_account, product["id"])


@pytest.fixture(scope="session")
def fuzzer(staff_account, fuzz_customer, known_ids):
    return Fuzzer(staff=staff_account, customer=fuzz_customer, known_ids=known_ids)

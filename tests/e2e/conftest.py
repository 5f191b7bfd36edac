"""The end-to-end tests' people: a staff account and a customer, as bearer headers for the gateway."""

import pytest

from shared.testing.gateway import new_customer


@pytest.fixture(scope="module")
def staff(staff_account):
    return staff_account.headers


@pytest.fixture(scope="module")
def customer(gateway_url):
    return new_customer(gateway_url, "buyer").headers

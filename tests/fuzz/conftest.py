"""What the fuzzer works with: its own customer, and real objects whose ids it puts into the paths of
valid requests, so that reads, updates and deletes get past "404" and their answers are checked too."""

import pytest

from shared.testing.gateway import new_customer
from tests.fuzz.fuzzer import Fuzzer
from tests.shop import made_objects


@pytest.fixture(scope="session")
def fuzz_customer(gateway_url):
    """The fuzzer's own customer: fuzzed profile, address and password calls land on it, never on the
    accounts other tests reason about."""
    return new_customer(gateway_url, "fuzz")


@pytest.fixture(scope="session")
def known_ids(staff_account, fuzz_customer):
    with made_objects(staff_account, fuzz_customer) as ids:
        yield ids


@pytest.fixture(scope="session")
def fuzzer(staff_account, fuzz_customer, known_ids):
    return Fuzzer(staff=staff_account, customer=fuzz_customer, known_ids=known_ids)

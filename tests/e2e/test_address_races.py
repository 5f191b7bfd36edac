"""Concurrent changes of one customer's addresses through the gateway (both user_svc instances behind it),
round after round: a deleted address never comes back, the answers are never 500, and exactly one address
stays the default (issue 21)."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
import requests

from shared.testing.gateway import new_customer
from tests.shop import add_address

ROUNDS = 12
ADDRESSES = "/api/v1/users/me/addresses/"


@pytest.fixture
def customer(gateway_url):
    return new_customer(gateway_url, "races")


def _url(customer, address_id=""):
    return f"{customer.gateway_url}{ADDRESSES}{address_id}"


def _delete(customer, address_id):
    return requests.delete(_url(customer, address_id), headers=customer.headers, timeout=30)


def _patch(customer, address_id, body):
    return requests.patch(_url(customer, address_id), json=body, headers=customer.headers, timeout=30)


def _addresses(customer) -> list[dict]:
    response = requests.get(_url(customer), params={"limit": 100}, headers=customer.headers, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def _race(*requests_to_send):
    """Send the requests at the same moment; return the responses in the order given."""
    start = threading.Barrier(len(requests_to_send))

    def send(request):
        start.wait()
        return request()

    with ThreadPoolExecutor(max_workers=len(requests_to_send)) as pool:
        return list(pool.map(send, requests_to_send))


def test_a_delete_racing_an_update_of_the_same_address_leaves_it_gone(customer):
    keep = add_address(customer, label="keep")
    patch_answers = Counter()
    for number in range(ROUNDS):
        address = add_address(customer, label=f"round {number}")["id"]

        moved = {"city": f"City {number}"}
        deleted, patched = _race(
            partial(_delete, customer, address), partial(_patch, customer, address, moved)
        )

        assert deleted.status_code == 204, deleted.text
        # 200: the update ran before the delete; 404: after it
        assert patched.status_code in (200, 404), patched.text
        assert requests.get(_url(customer, address), headers=customer.headers, timeout=10).status_code == 404
        patch_answers[patched.status_code] += 1
    left = _addresses(customer)
    assert [a["id"] for a in left] == [keep["id"]], f"addresses came back: {left}"
    assert left[0]["is_default"] is True
    print(f"PATCH racing DELETE through the gateway, {ROUNDS} rounds: {dict(patch_answers)}")


def test_deleting_the_default_racing_a_new_default_never_answers_500_and_keeps_one(customer):
    for number in range(ROUNDS):
        home = add_address(customer, label=f"home {number}")["id"]
        add_address(customer, label=f"work {number}")
        office = add_address(customer, label=f"office {number}")["id"]
        assert [a["id"] for a in _addresses(customer) if a["is_default"]] == [home]

        deleted, made_default = _race(
            partial(_delete, customer, home), partial(_patch, customer, office, {"is_default": True})
        )

        answers = (deleted.status_code, made_default.status_code)
        assert answers == (204, 200), (deleted.text, made_default.text)
        left = _addresses(customer)
        assert [a["id"] for a in left if a["is_default"]] == [office], f"round {number}: {left}"
        for address in left:  # the next round starts from nothing
            assert _delete(customer, address["id"]).status_code == 204
        assert _addresses(customer) == []

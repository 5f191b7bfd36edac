"""Concurrent requests on one account, for real: a live server answering each request in its own thread
and its own database session, a transactional database, and HTTP clients in threads.

Two kinds of test: interleavings forced by holding the owner's row lock from another session (the
requests queue behind it in the order they were sent, so each order of the steps is tried on purpose),
and rounds of unforced races.
"""

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
import requests

from accounts.models import Address, User
from accounts.tests.conftest import STRONG_PASSWORD
from accounts.tokens import tokens_issue

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 12
HOME = {"label": "Home", "line1": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "DE"}


class Account:
    """A person's bearer token and their addresses' URL on the live server."""

    def __init__(self, live_server, user):
        self.user = user
        self.headers = {"Authorization": f"Bearer {tokens_issue(user=user)['access']}"}
        self.me = f"{live_server.url}/api/v1/users/me"
        self.addresses = f"{self.me}/addresses"

    def add(self, label, **fields):
        response = requests.post(
            self.addresses, json={**HOME, "label": label, **fields}, headers=self.headers, timeout=10
        )
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def delete(self, address_id):
        return requests.delete(f"{self.addresses}/{address_id}", headers=self.headers, timeout=30)

    def patch(self, address_id, body):
        return requests.patch(f"{self.addresses}/{address_id}", json=body, headers=self.headers, timeout=30)

    def patch_me(self, body):
        return requests.patch(self.me, json=body, headers=self.headers, timeout=30)

    def change_password(self, new_password):
        body = {"old_password": STRONG_PASSWORD, "new_password": new_password}
        return requests.post(f"{self.me}/password", json=body, headers=self.headers, timeout=30)

    def defaults(self):
        return list(Address.objects.filter(user=self.user, is_default=True).values_list("label", flat=True))


@pytest.fixture
def account(live_server, make_user):
    return Account(live_server, make_user())


def _in_order(held, *requests_to_send):
    """Send each request (a callable) while the owner's lock is held, one after the other, each once the
    one before waits on the lock; let the lock go; return the responses in sending order."""
    pool = ThreadPoolExecutor(max_workers=len(requests_to_send))
    try:
        futures = []
        for number, send in enumerate(requests_to_send, start=1):
            futures.append(pool.submit(send))
            held.wait_for_waiters(number)
        held.release()
        return [future.result() for future in futures]
    finally:
        pool.shutdown()


def _race(*requests_to_send):
    """Send the requests at the same moment; return the responses in the order given."""
    start = threading.Barrier(len(requests_to_send))

    def send(request):
        start.wait()
        return request()

    with ThreadPoolExecutor(max_workers=len(requests_to_send)) as pool:
        return list(pool.map(send, requests_to_send))


# A delete and an update of the same address -----------------------------------------------------------


def test_an_update_queued_behind_a_delete_is_404_and_the_address_stays_gone(account, owner_lock):
    home = account.add("Home")
    account.add("Work")

    with owner_lock(account.user) as held:
        deleted, patched = _in_order(
            held, lambda: account.delete(home), lambda: account.patch(home, {"city": "Hamburg"})
        )

    assert deleted.status_code == 204
    assert patched.status_code == 404, patched.text
    assert not Address.objects.filter(id=home).exists()
    assert account.defaults() == ["Work"]


def test_a_delete_queued_behind_an_update_deletes_the_updated_address(account, owner_lock):
    home = account.add("Home")

    with owner_lock(account.user) as held:
        patched, deleted = _in_order(
            held, lambda: account.patch(home, {"city": "Hamburg"}), lambda: account.delete(home)
        )

    assert (patched.status_code, patched.json()["city"]) == (200, "Hamburg")
    assert deleted.status_code == 204
    assert not Address.objects.filter(user=account.user).exists()


def test_rounds_of_a_delete_racing_an_update_never_bring_the_address_back(account):
    account.add("Keep")
    patch_answers = Counter()
    for number in range(ROUNDS):
        address = account.add(f"Round {number}")

        deleted, patched = _race(
            partial(account.delete, address), partial(account.patch, address, {"city": f"City {number}"})
        )

        assert deleted.status_code == 204, deleted.text
        assert patched.status_code in (200, 404), patched.text
        assert not Address.objects.filter(id=address).exists(), f"round {number}: the address came back"
        patch_answers[patched.status_code] += 1
    print(f"PATCH racing DELETE, {ROUNDS} rounds: {dict(patch_answers)}")  # shown with -s
    assert account.defaults() == ["Keep"]
    assert Address.objects.filter(user=account.user).count() == 1


# Deleting the default while another address is made the default --------------------------------------


@pytest.mark.parametrize("first", ["make_default", "delete_default"])
def test_deleting_the_default_and_making_another_the_default_leave_exactly_that_one(
    account, owner_lock, first
):
    home = account.add("Home")
    account.add("Work")
    office = account.add("Office")
    assert account.defaults() == ["Home"]
    steps = {
        "make_default": lambda: account.patch(office, {"is_default": True}),
        "delete_default": lambda: account.delete(home),
    }
    order = [first, *(name for name in steps if name != first)]

    with owner_lock(account.user) as held:
        answers = dict(zip(order, _in_order(held, *(steps[name] for name in order)), strict=True))

    assert answers["make_default"].status_code == 200, answers["make_default"].text
    assert answers["delete_default"].status_code == 204, answers["delete_default"].text
    assert account.defaults() == ["Office"]
    left = Address.objects.filter(user=account.user).values_list("label", flat=True)
    assert set(left) == {"Work", "Office"}


def test_rounds_of_deleting_the_default_racing_a_new_default_never_answer_500(account):
    for number in range(ROUNDS):
        Address.objects.filter(user=account.user).delete()
        home = account.add(f"Home {number}")
        account.add("Work")
        office = account.add("Office")

        deleted, made_default = _race(
            partial(account.delete, home), partial(account.patch, office, {"is_default": True})
        )

        answers = (deleted.status_code, made_default.status_code)
        assert answers == (204, 200), (deleted.text, made_default.text)
        assert account.defaults() == ["Office"], f"round {number}"


def test_deleting_every_address_concurrently_leaves_none_and_no_default(account):
    for number in range(ROUNDS):
        ids = [account.add(f"A{number}-{n}") for n in range(3)]

        answers = _race(*(partial(account.delete, address) for address in ids))

        assert [answer.status_code for answer in answers] == [204, 204, 204]
        assert not Address.objects.filter(user=account.user).exists()


# The profile and the password ------------------------------------------------------------------------


def test_two_profile_updates_of_different_fields_both_stay(account, owner_lock):
    with owner_lock(account.user) as held:
        first, last = _in_order(
            held,
            lambda: account.patch_me({"first_name": "Annie"}),
            lambda: account.patch_me({"last_name": "Lee"}),
        )

    assert (first.status_code, last.status_code) == (200, 200)
    assert (last.json()["first_name"], last.json()["last_name"]) == ("Annie", "Lee")
    account.user.refresh_from_db()
    assert (account.user.first_name, account.user.last_name) == ("Annie", "Lee")


def test_a_profile_update_of_an_account_deleted_meanwhile_is_401_and_creates_nothing(account, owner_lock):
    with owner_lock(account.user) as held, ThreadPoolExecutor(max_workers=1) as pool:
        patched = pool.submit(account.patch_me, {"first_name": "Ghost"})
        held.wait_for_waiters(1)
        held.delete_user()
        held.release()
        response = patched.result()

    assert response.status_code == 401, response.text
    assert not User.objects.filter(id=account.user.id).exists()


def test_two_password_changes_from_the_same_old_password_let_exactly_one_win(account, owner_lock):
    with owner_lock(account.user) as held:
        first, second = _in_order(
            held,
            lambda: account.change_password("first-new-password-1"),
            lambda: account.change_password("second-new-password-2"),
        )

    assert (first.status_code, second.status_code) == (204, 400), (first.text, second.text)
    assert "old_password" in second.json()
    account.user.refresh_from_db()
    assert account.user.check_password("first-new-password-1")


def test_the_owner_lock_helper_sees_a_waiting_request(account, owner_lock):
    # The forced interleavings above rely on this: a request that needs the owner's lock waits for it.
    address = account.add("Home")
    with owner_lock(account.user) as held, ThreadPoolExecutor(max_workers=1) as pool:
        patched = pool.submit(account.patch, address, {"label": f"x{uuid.uuid4().hex[:4]}"})
        held.wait_for_waiters(1)
        assert not patched.done()
        held.release()
        assert patched.result().status_code == 200

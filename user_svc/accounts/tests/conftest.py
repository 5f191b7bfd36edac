from contextlib import contextmanager

import psycopg
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tokens import tokens_issue
from shared.testing.waiting import wait_for

STRONG_PASSWORD = "correct-horse-battery-7"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the real Redis; only this service's throttle keys are removed.
    cache.delete_pattern("throttle_*")
    yield
    cache.delete_pattern("throttle_*")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def make_user(db):
    def make(email="ann@example.com", password=STRONG_PASSWORD, **fields):
        return User.objects.create_user(email=email, password=password, **fields)

    return make


@pytest.fixture
def user(make_user):
    return make_user()


@pytest.fixture
def staff(make_user):
    return make_user(email="staff@example.com", is_staff=True)


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_issue(user=user)['access']}")
    return client


@pytest.fixture
def user_client(user):
    return client_for(user)


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


class HeldOwnerLock:
    """An account's row locked from another database session, as the account services lock it."""

    def __init__(self, db_settings, user):
        self.user = user
        self.name = db_settings["NAME"]
        self.connection = {
            "host": db_settings["HOST"],
            "port": db_settings["PORT"],
            "user": db_settings["USER"],
            "password": db_settings["PASSWORD"],
            "dbname": self.name,
        }
        self.session = psycopg.connect(**self.connection)
        self.session.execute("SELECT 1 FROM accounts_user WHERE id = %s FOR UPDATE", [user.id])
        self.held = True

    def waiters(self) -> int:
        """How many other sessions of the test database wait for a lock."""
        with psycopg.connect(**self.connection) as probe:
            query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
            return probe.execute(query, [self.name]).fetchone()[0]

    def wait_for_waiters(self, count: int) -> None:
        wait_for(lambda: self.waiters() >= count, timeout=20, what=f"{count} request(s) waiting")

    def delete_user(self) -> None:
        """Delete the account in the lock's own transaction (committed by ``release``)."""
        for statement in (
            "UPDATE token_blacklist_outstandingtoken SET user_id = NULL WHERE user_id = %s",
            "DELETE FROM accounts_address WHERE user_id = %s",
            "DELETE FROM accounts_user WHERE id = %s",
        ):
            self.session.execute(statement, [self.user.id])

    def release(self) -> None:
        if self.held:
            self.session.commit()
            self.held = False

    def close(self) -> None:
        if self.held:
            self.session.rollback()
            self.held = False
        self.session.close()


@pytest.fixture
def owner_lock(settings):
    """``with owner_lock(user) as held:`` the user's row locked (``FOR UPDATE``) by another session until
    ``held.release()`` (or the block's end): requests that change the account queue behind it, in the
    order they were sent, so a test can force one interleaving of concurrent requests."""

    @contextmanager
    def hold(user):
        held = HeldOwnerLock(settings.DATABASES["default"], user)
        try:
            yield held
        finally:
            held.close()

    return hold

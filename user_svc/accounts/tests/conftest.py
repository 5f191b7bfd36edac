import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tokens import tokens_issue

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

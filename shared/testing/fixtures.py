"""pytest fixtures every service's API tests use: DRF clients carrying real platform tokens.

Import them into a conftest: ``from shared.testing.fixtures import api, customer_api, ...  # noqa: F401``.
"""

import pytest
from rest_framework.test import APIClient

from shared.testing import jwt


def client_with(token: str | None) -> APIClient:
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def api():
    """No credentials."""
    return client_with(None)


@pytest.fixture
def staff_api():
    return client_with(jwt.access_token(is_staff=True, email="staff@example.com"))


@pytest.fixture
def customer_api():
    return client_with(jwt.access_token(is_staff=False))


@pytest.fixture
def service_api():
    return client_with(jwt.service_token("order"))

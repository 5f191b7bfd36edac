"""pytest fixtures every service's API tests use: DRF clients carrying real platform tokens.

Import them into a conftest: ``from shared.testing.fixtures import api, customer_api, ...  # noqa: F401``.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from shared.auth.staff import ACCESS_COOKIE
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


def staff_browser_client(*, is_staff=True, email="staff@example.com", token=None) -> Client:
    """A browser-like Django test client holding the staff cookie (as after user_svc's staff login).

    Where the service keeps the accounts (user_svc), the staff account row is made too: there the
    cookie is mapped to it.
    """
    from django.contrib import admin

    user_id = None
    if token is None and admin.site.keeps_accounts:
        user = get_user_model().objects.create_user(
            email=email, password=None, is_staff=is_staff, is_superuser=is_staff
        )
        user_id = user.pk
    client = Client()
    client.cookies[ACCESS_COOKIE] = token or jwt.access_token(user_id=user_id, email=email, is_staff=is_staff)
    return client


@pytest.fixture
def staff_browser(db):
    """A staff member's browser, logged in to the staff console (admin and browsable API)."""
    return staff_browser_client()

import pytest

from accounts.tokens import tokens_issue
from shared.auth.staff import ACCESS_COOKIE
from shared.testing.schema import validated_schema

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_valid_and_lists_every_route(tmp_path):
    schema = validated_schema(tmp_path)
    for route in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/users/me",
        "/api/v1/users/me/password",
        "/api/v1/users/me/addresses",
        "/api/v1/users/{user_id}/verify",
    ]:
        assert route in schema, route
    assert "bearerFormat: JWT" in schema


def test_staff_manage_users_and_addresses_in_the_admin(client, make_user):
    admin = make_user(email="root@example.com", is_staff=True, is_superuser=True)
    make_user(email="bob@example.com")
    client.cookies[ACCESS_COOKIE] = tokens_issue(user=admin)["access"]

    users = client.get("/admin/accounts/user/")
    addresses = client.get("/admin/accounts/address/")

    assert users.status_code == 200
    assert b"bob@example.com" in users.content
    assert addresses.status_code == 200


def test_a_customer_cannot_enter_the_admin(client, make_user):
    client.cookies[ACCESS_COOKIE] = tokens_issue(user=make_user(email="bob@example.com"))["access"]

    assert client.get("/admin/accounts/user/").status_code == 302

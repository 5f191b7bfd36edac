import pytest

from accounts.tests.conftest import STRONG_PASSWORD
from accounts.tokens import tokens_issue

pytestmark = pytest.mark.django_db
URL = "/api/v1/users/me/password"
NEW_PASSWORD = "another-long-phrase-42"


def test_password_change_revokes_every_refresh_token(api, user_client, user):
    sessions = [tokens_issue(user=user)["refresh"] for _ in range(3)]

    response = user_client.post(
        URL, {"old_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 204
    for refresh in sessions:
        assert api.post("/api/v1/auth/refresh", {"refresh": refresh}, format="json").status_code == 401
    login = api.post("/api/v1/auth/login", {"email": user.email, "password": NEW_PASSWORD}, format="json")
    assert login.status_code == 200
    old = api.post("/api/v1/auth/login", {"email": user.email, "password": STRONG_PASSWORD}, format="json")
    assert old.status_code == 401


def test_wrong_old_password_is_400_and_changes_nothing(user_client, user):
    response = user_client.post(
        URL, {"old_password": "not-it-at-all", "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert "old_password" in response.json()
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)


def test_weak_new_password_is_400_naming_the_rule(user_client, user):
    response = user_client.post(
        URL, {"old_password": STRONG_PASSWORD, "new_password": "12345678901"}, format="json"
    )

    assert response.status_code == 400
    assert "entirely numeric" in " ".join(response.json()["new_password"])
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)


def test_missing_fields_are_400(user_client):
    assert user_client.post(URL, {"new_password": NEW_PASSWORD}, format="json").status_code == 400


def test_password_change_needs_a_token(api):
    assert api.post(URL, {"old_password": "a", "new_password": "b"}, format="json").status_code == 401

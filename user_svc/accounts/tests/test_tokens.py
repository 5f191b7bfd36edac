"""Refresh rotation, logout and service tokens."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from accounts.tests.conftest import STRONG_PASSWORD
from accounts.tokens import service_token_issue, tokens_issue, tokens_rotate
from shared.testing import jwt

pytestmark = pytest.mark.django_db


def _login(api, email="ann@example.com"):
    return api.post("/api/v1/auth/login", {"email": email, "password": STRONG_PASSWORD}, format="json").json()


def test_refresh_returns_a_new_pair_and_the_used_token_is_refused_afterwards(api, user):
    pair = _login(api)

    rotated = api.post("/api/v1/auth/refresh", {"refresh": pair["refresh"]}, format="json")
    reused = api.post("/api/v1/auth/refresh", {"refresh": pair["refresh"]}, format="json")

    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != pair["refresh"]
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_not_valid"
    # The new refresh token works in its turn.
    assert (
        api.post("/api/v1/auth/refresh", {"refresh": rotated.json()["refresh"]}, format="json").status_code
        == 200
    )


def test_rotation_stamps_current_claims_from_the_database(api, user):
    pair = _login(api)
    user.is_staff = True
    user.save()

    rotated = api.post("/api/v1/auth/refresh", {"refresh": pair["refresh"]}, format="json").json()

    me = api.get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Bearer {rotated['access']}").json()
    assert me["is_staff"] is True


def test_a_deactivated_user_cannot_refresh(api, user):
    pair = _login(api)
    user.is_active = False
    user.save()

    response = api.post("/api/v1/auth/refresh", {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 401


def test_logout_revokes_the_refresh_token(api, user):
    pair = _login(api)

    logout = api.post("/api/v1/auth/logout", {"refresh": pair["refresh"]}, format="json")
    refresh = api.post("/api/v1/auth/refresh", {"refresh": pair["refresh"]}, format="json")

    assert logout.status_code == 204
    assert refresh.status_code == 401


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda pair: pair["access"], id="access-token-as-refresh"),
        pytest.param(lambda pair: jwt.tampered_token(pair["refresh"], user_id="someone-else"), id="tampered"),
        pytest.param(lambda pair: jwt.foreign_key_token(token_type="refresh", user_id="x"), id="foreign-key"),
        pytest.param(lambda pair: jwt.unsigned_token(token_type="refresh", user_id="x"), id="alg-none"),
        pytest.param(
            lambda pair: jwt.sign(
                jwt.claims(token_type="refresh", user_id="x", lifetime=timedelta(seconds=-60))
            ),
            id="expired",
        ),
        pytest.param(lambda pair: "garbage", id="garbage"),
    ],
)
def test_bad_refresh_tokens_are_401_for_refresh_and_logout(api, user, make_token):
    token = make_token(_login(api))

    assert api.post("/api/v1/auth/refresh", {"refresh": token}, format="json").status_code == 401
    assert api.post("/api/v1/auth/logout", {"refresh": token}, format="json").status_code == 401


def test_missing_refresh_field_is_400(api):
    assert api.post("/api/v1/auth/refresh", {}, format="json").status_code == 400


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_uses_of_one_refresh_token_let_exactly_one_win(make_user):
    user = make_user()
    refresh = tokens_issue(user=user)["refresh"]
    outcomes = []
    barrier = threading.Barrier(2)

    def use():
        barrier.wait()
        try:
            tokens_rotate(refresh=refresh)
            outcomes.append("rotated")
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["InvalidRefreshToken", "rotated"]


def test_issued_service_token_is_a_service_credential():
    token = service_token_issue(service="order")

    payload = jwt.pyjwt.decode(token, options={"verify_signature": False})
    assert payload["token_type"] == "service"
    assert payload["service"] == "order"

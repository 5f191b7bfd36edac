import jwt as pyjwt
import pytest
from django.conf import settings

from accounts.tests.conftest import STRONG_PASSWORD

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/login"


def _decode(token):
    return pyjwt.decode(token, settings.SIMPLE_JWT["VERIFYING_KEY"], algorithms=["RS256"], issuer="user_svc")


def test_login_returns_an_rs256_pair_carrying_the_contract_claims(api, make_user):
    user = make_user(email="ann@example.com", is_staff=True)

    response = api.post(URL, {"email": "Ann@example.com", "password": STRONG_PASSWORD}, format="json")

    assert response.status_code == 200, response.json()
    access = _decode(response.json()["access"])
    refresh = _decode(response.json()["refresh"])
    assert pyjwt.get_unverified_header(response.json()["access"])["alg"] == "RS256"
    assert access["token_type"] == "access"
    assert (access["user_id"], access["email"], access["is_staff"]) == (str(user.id), "ann@example.com", True)
    assert refresh["token_type"] == "refresh"
    assert access["exp"] - access["iat"] == 5 * 60


@pytest.mark.parametrize(
    ("email", "password"),
    [("ann@example.com", "wrong-password-1"), ("nobody@example.com", STRONG_PASSWORD)],
)
def test_wrong_credentials_are_401_with_one_message_for_both(api, user, email, password):
    response = api.post(URL, {"email": email, "password": password}, format="json")

    assert response.status_code == 401
    assert response.json() == {"detail": "No active account found with the given credentials."}


def test_an_inactive_account_cannot_log_in(api, make_user):
    make_user(email="gone@example.com", is_active=False)

    response = api.post(URL, {"email": "gone@example.com", "password": STRONG_PASSWORD}, format="json")

    assert response.status_code == 401


def test_missing_fields_are_400(api):
    response = api.post(URL, {"email": "ann@example.com"}, format="json")

    assert response.status_code == 400
    assert "password" in response.json()


def test_a_burst_of_wrong_passwords_for_one_account_is_throttled(api, user, make_user):
    statuses = [
        api.post(URL, {"email": "ann@example.com", "password": f"guess-{i}"}, format="json").status_code
        for i in range(8)
    ]

    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429] * 3
    # Even the right password waits now: the account, not the guess, is what is counted.
    blocked = api.post(URL, {"email": "ANN@example.com", "password": STRONG_PASSWORD}, format="json")
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    # Another account is not affected.
    make_user(email="bob@example.com")
    other = api.post(URL, {"email": "bob@example.com", "password": STRONG_PASSWORD}, format="json")
    assert other.status_code == 200

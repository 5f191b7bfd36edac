"""Issue 17, auth probes: no side door around the login throttle, through the gateway.

Every path that checks a password — the API login (JSON body and OAuth2 form) and the staff login, where
every service's admin and browsable-API "Log in" lead — counts against the same limits (5 attempts a
minute per account, 30 per client address), so guesses through one path throttle the others. Each probe
guesses at a fresh account from a client address of its own (tests/security/logins.py).
"""

import pytest
import requests

from shared.testing.gateway import PASSWORD
from tests.security.logins import (
    api_login,
    client_of_its_own,
    form_login,
    new_customer_email,
    new_staff_email,
    staff_login,
)
from tests.security.refusals import assert_refused

GUESSES = 10
PER_ACCOUNT = 5  # LOGIN_RATE_PER_ACCOUNT of the local stack


def assert_throttled_page(response: requests.Response) -> None:
    assert response.status_code == 429, response.text[:300]
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "Too many login attempts" in response.text
    assert "staff_access" not in response.cookies


def test_guesses_at_the_staff_login_throttle_the_api_login(gateway_url):
    # given: ten wrong guesses at a staff account through the staff login form
    client, email = client_of_its_own(gateway_url), new_staff_email()
    guesses = [staff_login(client, email, f"guess-{i}-wrong") for i in range(GUESSES)]

    # the form says "wrong" for the minute's five attempts, then 429 with the reason and Retry-After
    assert [r.status_code for r in guesses[:PER_ACCOUNT]] == [200] * PER_ACCOUNT
    for response in guesses[PER_ACCOUNT:]:
        assert_throttled_page(response)

    # when: the right password, through the API (its JSON body and its OAuth2 form)
    by_json = api_login(client_of_its_own(gateway_url), email, PASSWORD)
    by_form = form_login(client_of_its_own(gateway_url), email, PASSWORD)

    # then: the account is throttled whatever the path and the client address
    for response in (by_json, by_form):
        assert "detail" in assert_refused(response, 429)
        assert int(response.headers["Retry-After"]) > 0


def test_guesses_at_the_api_throttle_the_staff_login(gateway_url):
    # given: ten wrong guesses through the API login, half of them with the OAuth2 form
    client, email = client_of_its_own(gateway_url), new_staff_email()
    statuses = [
        (api_login if i % 2 else form_login)(client, email, f"guess-{i}-wrong").status_code
        for i in range(GUESSES)
    ]
    assert statuses == [400, 401, 400, 401, 400] + [429] * 5  # the form answers invalid_grant with a 400

    # when: the right password at the staff login, from another address
    response = staff_login(client_of_its_own(gateway_url), email, PASSWORD)

    # then
    assert_throttled_page(response)


@pytest.mark.parametrize("service", ["user", "product"])
def test_the_browsable_api_login_checks_no_password(gateway_url, service):
    # given: a customer, and guesses posted to a browsable API's "Log in"
    client, email = client_of_its_own(gateway_url), new_customer_email(gateway_url)
    path = f"/{service}/api-auth/login/"
    shown = client.get(f"{gateway_url}{path}?next=/{service}/", allow_redirects=False, timeout=10)
    posted = [staff_login(client, email, f"guess-{i}-wrong", path=path) for i in range(GUESSES)]

    # then: every one is sent to the staff login (where each guess counts) without a password being checked
    assert shown.status_code == 302 and shown.headers["Location"].startswith("/user/admin/login/")
    for response in posted:
        assert response.status_code == 302, response.text[:300]
        assert response.headers["Location"].startswith("/user/admin/login/")
        assert "staff_access" not in response.cookies
    # so nothing was counted against the account
    assert api_login(client, email, PASSWORD).status_code == 200


def test_the_oauth2_form_logs_in_and_refreshes(gateway_url):
    # given
    client, email = client_of_its_own(gateway_url), new_customer_email(gateway_url)

    # when: Swagger UI's "Authorize" (the password grant), then the refresh grant, twice with one token
    login = form_login(client, email, PASSWORD)
    assert login.status_code == 200, login.text
    tokens = login.json()
    refresh_form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    refreshed = client.post(f"{gateway_url}/api/v1/auth/refresh/", data=refresh_form, timeout=10)
    reused = client.post(f"{gateway_url}/api/v1/auth/refresh/", data=refresh_form, timeout=10)

    # then: RFC 6749's token response, whose access token opens the API
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] > 0
    assert login.headers["Cache-Control"] == "no-store"
    me = client.get(
        f"{gateway_url}/api/v1/users/me",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    )
    assert me.status_code == 200 and me.json()["email"] == email
    assert refreshed.status_code == 200, refreshed.text
    assert set(refreshed.json()) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert assert_refused(reused, 400)["error"] == "invalid_grant"


def test_oauth2_form_refusals_are_rfc_6749_errors(gateway_url):
    client, email = client_of_its_own(gateway_url), new_customer_email(gateway_url)

    wrong = form_login(client, email, "wrong-password-1")
    other_grant = form_login(client, email, PASSWORD, grant_type="client_credentials")
    scoped = form_login(client, email, PASSWORD, scope="admin")

    assert assert_refused(wrong, 400) == {
        "error": "invalid_grant",
        "error_description": "No active account found with the given credentials.",
    }
    assert assert_refused(other_grant, 400)["error"] == "unsupported_grant_type"
    assert assert_refused(scoped, 400)["error"] == "invalid_scope"

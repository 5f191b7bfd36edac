"""Issue 17: one login throttle for every path that checks a password (accounts.login_throttle) — the API
login's JSON body and OAuth2 form, and the staff login — on the same counters, in the real Redis."""

import time

import pytest
from django.test import Client

from accounts.tests.conftest import STRONG_PASSWORD
from shared.auth.staff import ACCESS_COOKIE

pytestmark = pytest.mark.django_db
API_LOGIN = "/api/v1/auth/login"
STAFF_LOGIN = "/admin/login/"


@pytest.fixture
def staff(make_user):
    return make_user(email="staff@example.com", is_staff=True)


def api_login(api, email, password):
    return api.post(API_LOGIN, {"email": email, "password": password}, format="json")


def oauth2_login(api, email, password):
    return api.post(
        API_LOGIN,
        f"grant_type=password&username={email}&password={password}",
        content_type="application/x-www-form-urlencoded",
    )


def staff_login(client, email, password):
    return client.post(STAFF_LOGIN, {"username": email, "password": password})


def test_guesses_at_the_staff_login_throttle_the_api_login(api, staff):
    # given: the account's five attempts a minute spent on the staff login form
    client = Client()
    statuses = [staff_login(client, "staff@example.com", f"guess-{i}").status_code for i in range(5)]
    assert statuses == [200] * 5  # the form again, with "enter a correct email and password"

    # when: the right password, through the API
    response = api_login(api, "staff@example.com", STRONG_PASSWORD)

    # then
    assert response.status_code == 429, response.json()
    assert int(response["Retry-After"]) > 0


def test_guesses_at_the_api_throttle_the_staff_login(api, staff):
    # given
    statuses = [api_login(api, "Staff@Example.com", f"guess-{i}").status_code for i in range(5)]
    assert statuses == [401] * 5

    # when
    response = staff_login(Client(), "staff@example.com", STRONG_PASSWORD)

    # then: the login page again, saying why, as a 429 — and no cookie
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert ACCESS_COOKIE not in response.cookies
    assert b"Too many login attempts" in response.content
    assert b'name="username"' in response.content  # the form is there to try again later


def test_oauth2_form_guesses_count_against_the_json_login(api, user):
    statuses = [oauth2_login(api, "ann@example.com", f"guess-{i}").status_code for i in range(5)]
    assert statuses == [400] * 5  # invalid_grant

    assert api_login(api, "ann@example.com", STRONG_PASSWORD).status_code == 429
    throttled = oauth2_login(api, "ann@example.com", STRONG_PASSWORD)
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0


def test_the_address_limit_counts_every_path_and_every_account(api, make_user, settings):
    # given: three attempts a minute per address, spent on three accounts through three paths
    settings.LOGIN_RATE_PER_ADDRESS = "3/min"
    for name in ("a", "b", "c", "d"):
        make_user(email=f"{name}@example.com")
    assert api_login(api, "a@example.com", "wrong-password-1").status_code == 401
    assert oauth2_login(api, "b@example.com", "wrong-password-1").status_code == 400
    assert staff_login(Client(), "c@example.com", "wrong-password-1").status_code == 200

    # when: a fourth account, the right password
    response = api_login(api, "d@example.com", STRONG_PASSWORD)

    # then
    assert response.status_code == 429


def test_a_refused_attempt_is_not_counted_so_waiting_is_enough(api, user, settings):
    # given: two attempts a second; the third is refused
    settings.LOGIN_RATE_PER_ACCOUNT = "2/s"
    assert [api_login(api, "ann@example.com", "wrong-password-1").status_code for _ in range(2)] == [401, 401]
    refused = api_login(api, "ann@example.com", STRONG_PASSWORD)
    assert refused.status_code == 429 and refused["Retry-After"] == "1"

    # when: the client waits as told
    time.sleep(1.05)

    # then
    assert api_login(api, "ann@example.com", STRONG_PASSWORD).status_code == 200


def test_a_malformed_staff_form_checks_no_password_and_counts_nothing(staff, api):
    client = Client()
    for _ in range(6):
        assert client.post(STAFF_LOGIN, {"username": "staff@example.com"}).status_code == 200

    assert api_login(api, "staff@example.com", STRONG_PASSWORD).status_code == 200


def test_the_browsable_api_login_checks_no_password_it_sends_to_the_staff_login(staff, settings):
    # The browsable API's "Log in" of every service (shared.urls) is only a way to the staff login.
    client = Client()

    shown = client.get("/api-auth/login/?next=/api/v1/users/me")
    posted = client.post("/api-auth/login/", {"username": "staff@example.com", "password": STRONG_PASSWORD})

    assert shown.status_code == 302
    assert shown["Location"].startswith(settings.STAFF_LOGIN_URL)
    assert posted.status_code == 302 and ACCESS_COOKIE not in posted.cookies

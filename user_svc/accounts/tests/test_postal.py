"""Country, region and phone of addresses, and the phone of a profile (shared.postal's rules) through the
API, the database and the admin."""

import pytest

from accounts.models import Address, User
from accounts.tests.conftest import STRONG_PASSWORD
from accounts.tokens import tokens_issue
from shared.auth.staff import ACCESS_COOKIE

pytestmark = pytest.mark.django_db
ADDRESSES = "/api/v1/users/me/addresses"
ME = "/api/v1/users/me"
REGISTER = "/api/v1/auth/register"
SF = {"label": "Office", "line1": "1 Market St", "city": "San Francisco", "postal_code": "94105"}


def _stored(response) -> Address:
    return Address.objects.get(id=response.json()["id"])


# Addresses: country ----------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["USA", "usa", "us", "US"])
def test_a_country_in_alpha_3_or_any_case_is_stored_as_alpha_2(user_client, given):
    response = user_client.post(ADDRESSES, {**SF, "country": given}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["country"] == "US"
    assert _stored(response).country == "US"


@pytest.mark.parametrize("given", ["United States", "XX", "840", "U"])
def test_an_unknown_country_is_400_saying_what_is_accepted(user_client, given):
    response = user_client.post(ADDRESSES, {**SF, "country": given}, format="json")

    assert response.status_code == 400
    assert "ISO 3166-1 alpha-2 (US) or alpha-3 (USA)" in response.json()["country"][0]
    assert not Address.objects.exists()


# Addresses: region -----------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["US-CA", "CA", "california"])
def test_a_region_is_stored_as_its_iso_3166_2_code(user_client, given):
    response = user_client.post(ADDRESSES, {**SF, "country": "USA", "region": given}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["region"] == "US-CA"
    assert _stored(response).region == "US-CA"


def test_an_address_without_region_or_phone_is_still_taken(user_client):
    # The shape clients wrote before region and phone existed.
    response = user_client.post(ADDRESSES, {**SF, "country": "US"}, format="json")

    assert response.status_code == 201
    assert (response.json()["region"], response.json()["phone"]) == ("", "")


def test_a_region_of_another_country_is_400(user_client):
    response = user_client.post(ADDRESSES, {**SF, "country": "US", "region": "CA-ON"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"region": ["“CA-ON” is a region of CA, not of US."]}


def test_an_unknown_region_is_400(user_client):
    response = user_client.post(ADDRESSES, {**SF, "country": "US", "region": "Narnia"}, format="json")

    assert response.status_code == 400
    assert "is not a region of US" in response.json()["region"][0]


def test_where_the_country_has_no_subdivisions_the_region_is_free_text(user_client):
    hong_kong = {**SF, "city": "Hong Kong", "postal_code": "000000", "country": "HKG"}

    response = user_client.post(ADDRESSES, {**hong_kong, "region": " Kowloon "}, format="json")

    assert response.status_code == 201
    assert (response.json()["country"], response.json()["region"]) == ("HK", "Kowloon")


def test_changing_the_country_checks_the_stored_region_again(user_client):
    address = user_client.post(ADDRESSES, {**SF, "country": "US", "region": "CA"}, format="json").json()

    moved = user_client.patch(f"{ADDRESSES}/{address['id']}", {"country": "CAN"}, format="json")
    with_region = user_client.patch(
        f"{ADDRESSES}/{address['id']}", {"country": "CAN", "region": "Ontario"}, format="json"
    )

    assert moved.status_code == 400
    assert moved.json() == {"region": ["“US-CA” is a region of US, not of CA."]}
    assert with_region.status_code == 200
    assert (with_region.json()["country"], with_region.json()["region"]) == ("CA", "CA-ON")


def test_a_patch_of_the_region_alone_is_checked_against_the_stored_country(user_client):
    address = user_client.post(ADDRESSES, {**SF, "country": "US"}, format="json").json()

    good = user_client.patch(f"{ADDRESSES}/{address['id']}", {"region": "new york"}, format="json")
    bad = user_client.patch(f"{ADDRESSES}/{address['id']}", {"region": "ON"}, format="json")

    assert (good.status_code, good.json()["region"]) == (200, "US-NY")
    assert bad.status_code == 400


# Addresses: phone ------------------------------------------------------------------------------


def test_a_national_phone_is_read_with_the_address_country_and_stored_in_e164(user_client):
    response = user_client.post(ADDRESSES, {**SF, "country": "US", "phone": "(415) 555-2671"}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["phone"] == "+14155552671"
    assert _stored(response).phone == "+14155552671"


def test_a_patch_of_the_phone_alone_uses_the_stored_country(user_client):
    address = user_client.post(ADDRESSES, {**SF, "country": "DE", "city": "Berlin"}, format="json").json()

    response = user_client.patch(f"{ADDRESSES}/{address['id']}", {"phone": "030 1234567"}, format="json")

    assert (response.status_code, response.json()["phone"]) == (200, "+49301234567")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("555-0100", "is not a valid phone number in US"),
        ("call me", "is not a phone number"),
        ("+1 415 555 2671 ext. 9", "Extensions cannot be stored"),
    ],
)
def test_an_invalid_phone_is_400_with_a_clear_message(user_client, given, message):
    response = user_client.post(ADDRESSES, {**SF, "country": "US", "phone": given}, format="json")

    assert response.status_code == 400
    assert message in response.json()["phone"][0]


def test_region_and_phone_errors_are_reported_together(user_client):
    response = user_client.post(
        ADDRESSES, {**SF, "country": "US", "region": "Narnia", "phone": "12"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"region", "phone"}


# Profile and registration ----------------------------------------------------------------------


def test_register_takes_a_phone_in_international_form_and_stores_e164(api):
    response = api.post(
        REGISTER,
        {"email": "ann@example.com", "password": STRONG_PASSWORD, "phone": "+1 (415) 555-2671"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["phone"] == "+14155552671"
    assert User.objects.get(email="ann@example.com").phone == "+14155552671"


def test_register_refuses_a_phone_without_country_code_and_creates_nothing(api):
    response = api.post(
        REGISTER,
        {"email": "ann@example.com", "password": STRONG_PASSWORD, "phone": "(415) 555-2671"},
        format="json",
    )

    assert response.status_code == 400
    assert "Give the number in international form" in response.json()["phone"][0]
    assert not User.objects.exists()


def test_the_profile_shows_and_changes_the_phone(user_client, user):
    assert user_client.get(ME).json()["phone"] == ""

    patched = user_client.patch(ME, {"phone": "+44 20 7946 0958"}, format="json")

    assert (patched.status_code, patched.json()["phone"]) == (200, "+442079460958")
    user.refresh_from_db()
    assert user.phone == "+442079460958"


def test_a_put_without_phone_keeps_it_and_a_blank_phone_clears_it(user_client, user):
    user_client.patch(ME, {"phone": "+14155552671"}, format="json")

    kept = user_client.put(ME, {"first_name": "Ann", "last_name": "Lee"}, format="json")
    cleared = user_client.patch(ME, {"phone": ""}, format="json")

    assert kept.json()["phone"] == "+14155552671"
    assert cleared.json()["phone"] == ""


def test_an_invalid_profile_phone_is_400_and_changes_nothing(user_client, user):
    response = user_client.patch(ME, {"phone": "+1 415 555"}, format="json")

    assert response.status_code == 400
    assert "is not a valid phone number" in response.json()["phone"][0]
    user.refresh_from_db()
    assert user.phone == ""


# Admin -----------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user(email="root@example.com", is_staff=True, is_superuser=True)
    client.cookies[ACCESS_COOKIE] = tokens_issue(user=admin)["access"]
    return client


def test_the_admin_shows_phone_and_region_of_accounts_and_addresses(admin_client, make_user):
    bob = make_user(email="bob@example.com", phone="+14155552671")
    address = Address.objects.create(user=bob, is_default=True, country="US", region="US-CA", **SF)

    account_page = admin_client.get(f"/admin/accounts/user/{bob.id}/change/")
    address_page = admin_client.get(f"/admin/accounts/address/{address.id}/change/")
    address_list = admin_client.get("/admin/accounts/address/")

    assert b'name="phone"' in account_page.content
    # the account's addresses are listed (read-only: each is changed on its own page, through the services)
    assert b"US-CA" in account_page.content
    assert f"/admin/accounts/address/{address.id}/change/".encode() in account_page.content
    assert b'value="US-CA"' in address_page.content
    assert b'value="+14155552671"' in account_page.content
    assert b"US-CA" in address_list.content


def test_the_admin_applies_the_same_rules(admin_client, make_user):
    bob = make_user(email="bob@example.com")
    address = Address.objects.create(user=bob, is_default=True, country="US", **SF)
    form = {
        "user": str(bob.id),
        "label": "Office",
        "line1": "1 Market St",
        "line2": "",
        "city": "San Francisco",
        "postal_code": "94105",
        "country": "US",
        "is_default": "on",
    }

    refused = admin_client.post(
        f"/admin/accounts/address/{address.id}/change/", {**form, "region": "ON", "phone": "12"}
    )
    saved = admin_client.post(
        f"/admin/accounts/address/{address.id}/change/",
        {**form, "region": "california", "phone": "(415) 555-2671"},
    )

    assert refused.status_code == 200  # the form again, with its errors
    assert "is not a region of US" in refused.content.decode()
    assert saved.status_code == 302, saved.content.decode()[:2000]
    address.refresh_from_db()
    assert (address.region, address.phone) == ("US-CA", "+14155552671")

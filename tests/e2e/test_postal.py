"""Countries, regions and phones through the gateway (shared.postal's rules in user_svc and order_svc): an
address given as "USA" stored as "US", regions checked against ISO 3166-2, phones stored in E.164, the
profile's phone from registration on, and an order's inline shipping address read back."""

import pytest
import requests

from shared.testing.gateway import Client, new_customer, new_email
from tests.shop import add_address, cancel_order, create_product

ADDRESSES = "/api/v1/users/me/addresses/"
SF = {"label": "office", "line1": "1 Market St", "city": "San Francisco", "postal_code": "94105"}


@pytest.fixture(scope="module")
def buyer(gateway_url):
    return new_customer(gateway_url, "postal")


@pytest.fixture(scope="module")
def product(staff_account):
    return create_product(staff_account)


def _post(account, path, body):
    return requests.post(f"{account.gateway_url}{path}", json=body, headers=account.headers, timeout=10)


def test_registration_and_profile_take_a_phone_in_e164(gateway_url):
    account = Client(gateway_url, new_email("phone"))

    refused = account.register(phone="(415) 555-2671")
    registered = account.register(phone="+1 (415) 555-2671")

    assert refused.status == 400
    assert "international form" in refused.body["phone"][0]
    assert registered.status == 201, registered.body
    assert registered.body["phone"] == "+14155552671"
    account.log_in()
    me = f"{gateway_url}/api/v1/users/me"
    assert requests.get(me, headers=account.headers, timeout=10).json()["phone"] == "+14155552671"
    changed = requests.patch(me, json={"phone": "+44 20 7946 0958"}, headers=account.headers, timeout=10)
    assert (changed.status_code, changed.json()["phone"]) == (200, "+442079460958")


def test_an_address_in_usa_is_stored_as_us_with_its_region_code_and_an_e164_phone(buyer):
    created = add_address(buyer, **SF, country="USA", region="california", phone="(415) 555-2671")

    read = requests.get(
        f"{buyer.gateway_url}{ADDRESSES}{created['id']}", headers=buyer.headers, timeout=10
    ).json()

    assert (read["country"], read["region"], read["phone"]) == ("US", "US-CA", "+14155552671")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"country": "United States"}, "country", "alpha-2 (US) or alpha-3 (USA)"),
        ({"country": "US", "region": "CA-ON"}, "region", "is a region of CA, not of US"),
        ({"country": "US", "region": "Narnia"}, "region", "is not a region of US"),
        ({"country": "US", "phone": "555-0100"}, "phone", "is not a valid phone number in US"),
    ],
)
def test_an_address_refused_names_the_field_and_why(buyer, change, field, message):
    response = _post(buyer, ADDRESSES, {**SF, **change})

    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_an_order_with_an_inline_shipping_address_is_read_back(buyer, product):
    items = [{"product_id": product["id"], "quantity": 1}]
    inline = {**SF, "country": "usa", "region": "CA", "phone": "415-555-2671"}

    placed = _post(buyer, "/api/v1/orders/", {"items": items, "shipping_address": inline})
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]
    read = requests.get(f"{buyer.gateway_url}/api/v1/orders/{order_id}", headers=buyer.headers, timeout=10)
    cancel_order(buyer, order_id)

    assert read.json()["shipping_address"] == {
        "id": None,
        "label": "office",
        "line1": "1 Market St",
        "line2": "",
        "city": "San Francisco",
        "region": "US-CA",
        "postal_code": "94105",
        "country": "US",
        "phone": "+14155552671",
    }


def test_a_saved_address_as_user_svc_answers_it_is_a_valid_inline_address(buyer, product):
    # The two services take the same fields: an address read from user_svc, less its id and default
    # flag, is accepted by order_svc as it is.
    saved = add_address(buyer, **SF, country="US", region="NY", phone="+1 212 555 0199")
    inline = {key: value for key, value in saved.items() if key not in ("id", "is_default")}
    items = [{"product_id": product["id"], "quantity": 1}]

    placed = _post(buyer, "/api/v1/orders/", {"items": items, "shipping_address": inline})
    both = _post(
        buyer,
        "/api/v1/orders/",
        {"items": items, "shipping_address": inline, "shipping_address_id": saved["id"]},
    )
    assert placed.status_code == 201, placed.text
    cancel_order(buyer, placed.json()["id"])

    assert placed.json()["shipping_address"] == {"id": None, **inline}
    assert both.status_code == 400
    assert "not both" in both.json()["shipping_address"][0]

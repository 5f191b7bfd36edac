"""An order's shipping address: inline (``shipping_address``, checked with shared.postal's rules) or one of
the caller's saved addresses in the running user_svc (``shipping_address_id``), never both; stored on the
order document, answered in its JSON and shown on its admin page."""

import pytest
import requests
from django.conf import settings as django_settings
from drf_spectacular.generators import SchemaGenerator

from orders import repository

ORDERS = "/api/v1/orders/"
INLINE = {
    "line1": "1 Market St",
    "line2": "Floor 3",
    "city": "San Francisco",
    "region": "california",
    "postal_code": "94105",
    "country": "usa",
    "phone": "(415) 555-2671",
}
STORED = {
    "id": None,
    "label": "",
    "line1": "1 Market St",
    "line2": "Floor 3",
    "city": "San Francisco",
    "region": "US-CA",
    "postal_code": "94105",
    "country": "US",
    "phone": "+14155552671",
}
HOME = {"label": "home", "line1": "1 Main St", "city": "Austin", "postal_code": "73301", "country": "US"}


@pytest.fixture
def items(make_product):
    return [{"product_id": make_product()["id"], "quantity": 1}]


def _saved_address(user, **fields) -> dict:
    response = requests.post(
        f"{django_settings.USER_SERVICE_URL}/api/v1/users/me/addresses",
        json={**HOME, **fields},
        headers={"Authorization": f"Bearer {user['token']}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_an_inline_address_is_normalised_stored_and_answered(alice_api, items):
    response = alice_api.post(ORDERS, {"items": items, "shipping_address": INLINE}, format="json")

    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["shipping_address"] == STORED
    assert repository.collection().find_one({"_id": order["id"]})["shipping_address"] == STORED
    assert alice_api.get(f"{ORDERS}{order['id']}").json()["shipping_address"] == STORED


def test_the_least_inline_address_is_line1_city_postal_code_and_country(alice_api, items):
    least = {"line1": "5 Rue X", "city": "Paris", "postal_code": "75001", "country": "FRA"}

    response = alice_api.post(ORDERS, {"items": items, "shipping_address": least}, format="json")

    assert response.status_code == 201, response.json()
    address = response.json()["shipping_address"]
    assert (address["country"], address["region"], address["phone"], address["id"]) == ("FR", "", "", None)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"country": "United States"}, "country", "ISO 3166-1 alpha-2 (US) or alpha-3 (USA)"),
        ({"region": "ON"}, "region", "is not a region of US"),
        ({"region": "CA-ON"}, "region", "is a region of CA, not of US"),
        ({"phone": "555-0100"}, "phone", "is not a valid phone number in US"),
        ({"line1": ""}, "line1", "may not be blank"),
        ({"postal_code": "9" * 21}, "postal_code", "no more than 20 characters"),
    ],
)
def test_an_invalid_inline_address_is_400_naming_the_field_and_stores_nothing(
    alice_api, items, change, field, message
):
    response = alice_api.post(
        ORDERS, {"items": items, "shipping_address": {**INLINE, **change}}, format="json"
    )

    assert response.status_code == 400
    assert message in response.json()["shipping_address"][field][0]
    assert repository.collection().count_documents({}) == 0


def test_an_unknown_field_of_the_inline_address_is_400_naming_it(alice_api, items):
    # "state" is what a client of the FastAPI design sends for the region.
    response = alice_api.post(
        ORDERS, {"items": items, "shipping_address": {**INLINE, "state": "CA"}}, format="json"
    )

    assert response.status_code == 400
    assert "state" in response.json()["shipping_address"]


def test_an_address_id_and_an_inline_address_together_are_400(alice, alice_api, items):
    saved = _saved_address(alice)

    response = alice_api.post(
        ORDERS,
        {"items": items, "shipping_address_id": saved["id"], "shipping_address": INLINE},
        format="json",
    )

    assert response.status_code == 400
    assert "not both" in response.json()["shipping_address"][0]
    assert repository.collection().count_documents({}) == 0


def test_a_null_id_beside_an_inline_address_is_no_conflict(alice_api, items):
    response = alice_api.post(
        ORDERS, {"items": items, "shipping_address_id": None, "shipping_address": INLINE}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["shipping_address"] == STORED


def test_a_saved_address_is_snapshotted_with_its_region_and_phone(alice, alice_api, items):
    saved = _saved_address(alice, region="TX", phone="512 555 0143")

    response = alice_api.post(ORDERS, {"items": items, "shipping_address_id": saved["id"]}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["shipping_address"] == {
        "id": saved["id"],
        "label": "home",
        "line1": "1 Main St",
        "line2": "",
        "city": "Austin",
        "region": "US-TX",
        "postal_code": "73301",
        "country": "US",
        "phone": "+15125550143",
    }


def test_an_idempotent_retry_is_matched_on_the_normalised_address(alice_api, items):
    spelled_otherwise = {**INLINE, "country": "US", "region": "US-CA", "phone": "+1 415 555 2671"}
    elsewhere = {**INLINE, "city": "Oakland", "postal_code": "94607"}

    first = alice_api.post(
        ORDERS, {"items": items, "shipping_address": INLINE}, format="json", HTTP_IDEMPOTENCY_KEY="ship-1"
    )
    retry = alice_api.post(
        ORDERS,
        {"items": items, "shipping_address": spelled_otherwise},
        format="json",
        HTTP_IDEMPOTENCY_KEY="ship-1",
    )
    other = alice_api.post(
        ORDERS, {"items": items, "shipping_address": elsewhere}, format="json", HTTP_IDEMPOTENCY_KEY="ship-1"
    )

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["id"] == first.json()["id"]
    assert other.status_code == 409
    assert repository.collection().count_documents({}) == 1


def test_an_order_of_before_region_and_phone_answers_them_blank(alice_api, items):
    order = alice_api.post(ORDERS, {"items": items, "shipping_address": INLINE}, format="json").json()
    old_snapshot = {key: value for key, value in STORED.items() if key not in ("region", "phone")}
    repository.collection().update_one({"_id": order["id"]}, {"$set": {"shipping_address": old_snapshot}})

    answered = alice_api.get(f"{ORDERS}{order['id']}").json()["shipping_address"]

    assert (answered["region"], answered["phone"], answered["city"]) == ("", "", "San Francisco")


def test_the_admin_page_shows_the_inline_address_with_region_and_phone(staff_browser, alice_api, items):
    order = alice_api.post(
        ORDERS, {"items": items, "shipping_address": {**INLINE, "label": "office"}}, format="json"
    ).json()

    response = staff_browser.get(f"/admin/orders/order/{order['id']}/change/")

    assert response.status_code == 200
    facts = dict(response.context["readonly"])
    assert facts["Shipping address"] == (
        "office: 1 Market St, Floor 3, 94105 San Francisco, US-CA, US; phone +14155552671"
    )


def test_the_schema_documents_the_inline_address_fields():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    body = schema["paths"]["/api/v1/orders/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    request = components[body["$ref"].rsplit("/", 1)[-1]]
    inline = request["properties"]["shipping_address"]
    inline_ref = next(part["$ref"] for part in inline.get("allOf", [inline]) if "$ref" in part)
    fields = components[inline_ref.rsplit("/", 1)[-1]]

    assert "shipping_address_id" in request["properties"]
    assert set(fields["properties"]) == {
        "label", "line1", "line2", "city", "region", "postal_code", "country", "phone"
    }  # fmt: skip
    assert set(fields["required"]) == {"line1", "city", "postal_code", "country"}

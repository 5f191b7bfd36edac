"""Staff create and edit products in DRF's browsable API with HTML forms (multipart, with the CSRF token;
the attributes as JSON text), while JSON clients see the API unchanged."""

import re

import pytest

from shared.testing.fixtures import staff_browser_client

pytestmark = pytest.mark.django_db
API = "/api/v1/products/"


def _stored(catalog):
    return list(catalog["products"].find({"is_deleted": False}))


def _csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_the_browsable_api_offers_staff_an_html_form_with_attributes_as_json(
    staff_browser, api, make_product
):
    product = make_product(attributes={"colour": "red"})

    listing = staff_browser.get(API, HTTP_ACCEPT="text/html").content.decode()
    detail = staff_browser.get(f"{API}{product['id']}", HTTP_ACCEPT="text/html").content.decode()
    anonymous = api.get(API, HTTP_ACCEPT="text/html").content.decode()

    assert '<form action="/api/v1/products/" method="POST" enctype="multipart/form-data"' in listing
    assert 'name="name"' in listing and 'name="initial_stock"' in listing
    assert re.search(r'<textarea name="attributes"', listing)
    assert "Dictionaries are not currently supported" not in listing
    # The empty form starts from the API's defaults: an active product priced in USD.
    assert re.search(r'<input type="checkbox" name="is_active" value="true"\s+checked>', listing)
    assert re.search(r'name="currency"[^>]*value="USD"', listing)
    # The edit form is the write shape: no initial_stock, the attributes as JSON text.
    assert 'name="name"' in detail and 'name="initial_stock"' not in detail
    assert "&quot;colour&quot;: &quot;red&quot;" in detail
    assert 'name="name"' not in anonymous


def test_a_multipart_form_post_with_the_csrf_token_creates_a_product(catalog):
    browser = staff_browser_client(email="forms@example.com")
    browser.handler.enforce_csrf_checks = True
    token = _csrf_token(browser.get(API, HTTP_ACCEPT="text/html").content.decode())
    form = {
        "name": "Red mug",
        "sku": "FORM-1",
        "category": "kitchen",
        "price": "12.50",
        "currency": "USD",
        "description": "",
        "attributes": '{"colour": "red"}',
        "initial_stock": "5",
        "is_active": "true",
    }

    refused = browser.post(API, form)
    created = browser.post(API, {**form, "csrfmiddlewaretoken": token}, HTTP_ACCEPT="application/json")

    assert refused.status_code == 403
    assert created.status_code == 201, created.content
    assert created.json()["attributes"] == {"colour": "red"}
    (stored,) = _stored(catalog)
    assert (stored["sku"], stored["initial_stock"], stored["is_active"]) == ("FORM-1", 5, True)


def test_a_form_post_with_invalid_json_attributes_is_a_400_naming_them(staff_browser, catalog):
    form = {"name": "x", "sku": "FORM-2", "category": "c", "price": "1.00", "attributes": "{colour"}

    response = staff_browser.post(API, form, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert response.json() == {"attributes": ["Value must be valid JSON."]}
    assert _stored(catalog) == []


def test_json_bodies_read_attributes_as_before(staff_api, catalog):
    body = {"name": "x", "sku": "JSON-1", "category": "c", "price": "1.00"}

    as_text = staff_api.post(API, {**body, "attributes": '{"colour": "red"}'}, format="json")
    as_object = staff_api.post(API, {**body, "attributes": {"colour": "red"}}, format="json")

    assert as_text.json() == {"attributes": ['Expected a dictionary of items but got type "str".']}
    assert as_object.status_code == 201

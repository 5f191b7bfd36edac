"""The staff console's product pages: reads through the selectors, writes through the services with the
API's validation and events (the browsable API's forms: test_browsable_api.py)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from products import repository
from products.admin import ProductAdmin
from shared import mongo
from shared.events import PRODUCT_CREATED, PRODUCT_DELETED, PRODUCT_UPDATED
from shared.events.names import PRODUCT_EVENTS_TOPIC
from shared.testing.fixtures import staff_browser_client
from shared.testing.kafka import read_all

pytestmark = pytest.mark.django_db
LIST = "/admin/products/product/"
ADD = f"{LIST}add/"
API = "/api/v1/products/"
FORM = {
    "name": "Red mug",
    "sku": "MUG-1",
    "category": "kitchen",
    "price": "12.50",
    "currency": "USD",
    "description": "Stoneware",
    "attributes": '{"colour": "red", "capacity ml": 350}',
    "initial_stock": "40",
    "is_active": "on",
}


def _change(product_id):
    return f"{LIST}{product_id}/change/"


def _events_of(product_id, drain):
    """Relay the outbox to Kafka; the events of this product, as (event type, data)."""
    drain()
    events = read_all(settings.KAFKA_BOOTSTRAP_SERVERS, PRODUCT_EVENTS_TOPIC, expect=0, timeout=6)
    return [
        (envelope["event_type"], envelope["data"])
        for _key, envelope in events
        if envelope["data"]["product_id"] == product_id
    ]


def _rows(response):
    """The change list's rows: the link text of each row's first cell (the product's name)."""
    assert response.status_code == 200
    table = response.content.decode().split('id="result_list"')[1]
    return re.findall(r'<th><a href="[^"]+">([^<]*)</a></th>', table)


def _errors(response):
    """Each form field's error messages, and the form's own under None."""
    form = response.context["form"]
    return {name: list(messages) for name, messages in form.errors.items()}


def _stored(catalog):
    return list(catalog["products"].find({"is_deleted": False}))


def _hold_lock(product_id):
    """A lock left by a writer that crashed (as in test_locks.py): writes wait out 5 s, then give up."""
    mongo.get_database()[mongo.LOCKS_COLLECTION].insert_one(
        {
            "_id": repository.lock_key(product_id),
            "token": "crashed-writer",
            "expires_at": datetime.now(UTC) + timedelta(seconds=30),
        }
    )


# The index and the change list ---------------------------------------------------------------


def test_the_admin_index_has_a_products_section(staff_browser):
    page = staff_browser.get("/admin/").content.decode()

    assert "Products" in page
    assert f'href="{LIST}"' in page
    assert f'href="{ADD}"' in page


def test_the_list_shows_every_product_inactive_ones_too_with_price_and_currency(staff_browser, make_product):
    make_product(name="Red mug", sku="MUG-1", category="kitchen", price="12.50", currency="EUR")
    make_product(name="Old lamp", sku="LAMP-0", category="office", price="3.00", is_active=False)

    response = staff_browser.get(LIST)

    page = response.content.decode()
    assert sorted(_rows(response)) == ["Old lamp", "Red mug"]
    for cell in [
        "MUG-1",
        "kitchen",
        "12.50 EUR",
        "LAMP-0",
        "office",
        "3.00 USD",
        "<td>Yes</td>",
        "<td>No</td>",
    ]:
        assert cell in page


def test_search_matches_names_and_skus_literally(staff_browser, api, make_product):
    make_product(name="Red mug", sku="MUG-1")
    make_product(name="Desk lamp", sku="LAMP-7", description="For a mug-free desk")
    make_product(name="Blue bowl", sku="BOWL-2")

    assert sorted(_rows(staff_browser.get(LIST, {"q": "MUG"}))) == ["Red mug"]
    assert _rows(staff_browser.get(LIST, {"q": "lamp-7"})) == ["Desk lamp"]
    assert _rows(staff_browser.get(LIST, {"q": ".*"})) == []
    # The API's search is unchanged: names and descriptions, not skus.
    api_skus = {p["sku"] for p in api.get(API, {"search": "mug"}).json()["results"]}
    assert api_skus == {"MUG-1", "LAMP-7"}
    assert api.get(API, {"search": "BOWL-2"}).json()["count"] == 0


def test_filters_by_category_and_by_active_with_the_categories_present_as_choices(
    staff_browser, make_product
):
    make_product(name="Red mug", category="kitchen")
    make_product(name="Old mug", category="kitchen", is_active=False)
    make_product(name="Desk lamp", category="office")

    page = staff_browser.get(LIST).content.decode()
    kitchen = staff_browser.get(LIST, {"category": "kitchen"})
    inactive = staff_browser.get(LIST, {"active": "no"})
    active_kitchen = staff_browser.get(LIST, {"category": "kitchen", "active": "yes"})

    assert 'href="?category=kitchen"' in page and 'href="?category=office"' in page
    assert sorted(_rows(kitchen)) == ["Old mug", "Red mug"]
    assert _rows(inactive) == ["Old mug"]
    assert _rows(active_kitchen) == ["Red mug"]


def test_sorts_by_price_both_ways_by_name_and_newest_first(staff_browser, make_product):
    for name, price in [("Bowl", "3.00"), ("Cup", "1.00"), ("Plate", "2.00")]:
        make_product(name=name, price=price)

    assert _rows(staff_browser.get(LIST)) == ["Plate", "Cup", "Bowl"]
    assert _rows(staff_browser.get(LIST, {"o": "price"})) == ["Cup", "Plate", "Bowl"]
    assert _rows(staff_browser.get(LIST, {"o": "-price"})) == ["Bowl", "Plate", "Cup"]
    assert _rows(staff_browser.get(LIST, {"o": "name"})) == ["Bowl", "Cup", "Plate"]


def test_pages_through_the_list(staff_browser, make_product, monkeypatch):
    monkeypatch.setattr(ProductAdmin, "list_per_page", 2)
    for name in ["A", "B", "C", "D", "E"]:
        make_product(name=name)

    first = staff_browser.get(LIST, {"o": "name"})
    last = staff_browser.get(LIST, {"o": "name", "p": "3"})

    assert _rows(first) == ["A", "B"]
    assert "Page 1 of 3 · 5 products" in first.content.decode()
    assert 'href="?o=name&amp;p=2"' in first.content.decode()
    assert _rows(last) == ["E"]


def test_a_repeated_list_page_is_served_without_touching_mongodb(staff_browser, make_product, mongo_commands):
    make_product(category="kitchen")
    mongo_commands.clear()

    staff_browser.get(LIST, {"category": "kitchen"})
    cold = list(mongo_commands.names)
    mongo_commands.clear()
    staff_browser.get(LIST, {"category": "kitchen"})

    assert sorted(cold) == ["aggregate", "distinct", "find"]  # count, categories, page
    assert mongo_commands.names == []


# Adding -------------------------------------------------------------------------------------


def test_adding_through_the_form_stores_the_product_and_announces_it_once(staff_browser, catalog, drain):
    response = staff_browser.post(ADD, FORM)

    assert response.status_code == 302 and response["Location"] == LIST
    (stored,) = _stored(catalog)
    assert (stored["sku"], stored["price_cents"], stored["attributes"]) == (
        "MUG-1",
        1250,
        {"colour": "red", "capacity ml": 350},
    )
    assert _events_of(stored["_id"], drain) == [
        (
            PRODUCT_CREATED,
            {
                "product_id": stored["_id"],
                "sku": "MUG-1",
                "name": "Red mug",
                "category": "kitchen",
                "price": "12.50",
                "currency": "USD",
                "initial_stock": 40,
            },
        )
    ]


def test_blank_optional_fields_take_the_api_defaults(staff_browser, catalog):
    form = {**FORM, "currency": "", "attributes": "", "initial_stock": "", "description": ""}

    staff_browser.post(ADD, form)

    (stored,) = _stored(catalog)
    assert (stored["currency"], stored["attributes"], stored["initial_stock"]) == ("USD", {}, 0)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param({"sku": "-bad sku"}, "sku", "This value does not match the required pattern.", id="sku"),
        pytest.param(
            {"price": "-1"}, "price", "Ensure this value is greater than or equal to 0.", id="negative price"
        ),
        pytest.param({"price": "cheap"}, "price", "A valid number is required.", id="price not a number"),
        pytest.param(
            {"currency": "usd"}, "currency", "This value does not match the required pattern.", id="cur"
        ),
        pytest.param(
            {"initial_stock": "-5"},
            "initial_stock",
            "Ensure this value is greater than or equal to 0.",
            id="stock",
        ),
        pytest.param(
            {"attributes": '["red"]'},
            "attributes",
            'Expected a dictionary of items but got type "list".',
            id="attributes not an object",
        ),
        pytest.param(
            {"attributes": '{"$set": 1}'},
            "attributes",
            "Attribute name '$set': letters, digits, space, _ and - only.",
            id="attribute name",
        ),
        pytest.param({"attributes": "{colour: red"}, "attributes", "Enter a valid JSON.", id="invalid JSON"),
        pytest.param({"name": ""}, "name", "This field is required.", id="no name"),
    ],
)
def test_bad_input_shows_the_api_message_on_its_field_and_stores_nothing(
    staff_browser, catalog, changes, field, message
):
    response = staff_browser.post(ADD, {**FORM, **changes})

    assert response.status_code == 200
    assert _errors(response) == {field: [message]}
    assert 'class="errornote"' in response.content.decode()
    assert _stored(catalog) == []


def test_the_forms_messages_are_the_apis(staff_browser, staff_api):
    body = {"name": "Red mug", "sku": "MUG-1", "category": "kitchen", "price": "12.50"}
    for field, bad in [("sku", "-bad sku"), ("price", "-1"), ("price", "1.001"), ("currency", "usd")]:
        in_form = _errors(staff_browser.post(ADD, {**FORM, field: bad}))
        in_api = staff_api.post(API, {**body, field: bad}, format="json").json()

        assert in_form == in_api, field


def test_a_duplicate_sku_shows_the_apis_conflict_message_on_the_sku(staff_browser, make_product, catalog):
    make_product(sku="MUG-1")

    response = staff_browser.post(ADD, FORM)

    assert response.status_code == 200
    assert _errors(response) == {"sku": ["A product with this sku already exists."]}
    assert len(_stored(catalog)) == 1


# Changing -----------------------------------------------------------------------------------


def test_the_change_form_shows_the_product_without_initial_stock(staff_browser, make_product):
    product = make_product(name="Red mug", attributes={"colour": "red"})

    response = staff_browser.get(_change(product["id"]))

    form = response.context["form"]
    assert "initial_stock" not in form.fields
    assert form["name"].value() == "Red mug"
    assert form["price"].value() == "9.99"
    assert "&quot;colour&quot;: &quot;red&quot;" in response.content.decode()
    assert product["id"] in response.content.decode()  # read-only id above the form


def test_editing_changes_and_announces_only_what_changed(staff_browser, make_product, drain, catalog):
    product = make_product(name="Red mug", price="9.99", attributes={"colour": "red"})
    drain()
    form = staff_browser.get(_change(product["id"])).context["form"]
    posted = {name: form[name].value() for name in form.fields}
    posted.update(price="11.00", attributes='{"colour":  "red"}', is_active="on")

    response = staff_browser.post(_change(product["id"]), posted)

    assert response.status_code == 302, _errors(response)
    stored = catalog["products"].find_one({"_id": product["id"]})
    assert (stored["price_cents"], stored["name"], stored["attributes"]) == (
        1100,
        "Red mug",
        {"colour": "red"},
    )
    events = _events_of(product["id"], drain)
    assert events[1:] == [(PRODUCT_UPDATED, {"product_id": product["id"], "price": "11.00"})]


def test_an_edit_refused_by_the_api_shows_its_message_and_changes_nothing(
    staff_browser, make_product, catalog
):
    make_product(sku="TAKEN")
    product = make_product(sku="MINE", name="Red mug")
    form = staff_browser.get(_change(product["id"])).context["form"]
    posted = {name: form[name].value() for name in form.fields} | {"sku": "TAKEN", "name": "Blue mug"}
    posted["is_active"] = "on"

    response = staff_browser.post(_change(product["id"]), posted)

    assert _errors(response) == {"sku": ["A product with this sku already exists."]}
    stored = catalog["products"].find_one({"_id": product["id"]})
    assert (stored["sku"], stored["name"]) == ("MINE", "Red mug")


def test_deactivating_hides_the_product_from_customers_and_announces_it(
    staff_browser, api, make_product, drain
):
    product = make_product()
    page = staff_browser.get(_change(product["id"])).content.decode()
    action = f"{LIST}{product['id']}/action/deactivate/"
    assert f'formaction="{action}"' in page

    response = staff_browser.post(action, {"action": "deactivate", "reason": "recalled"}, follow=True)

    assert "was deactivated" in response.content.decode()
    assert api.get(f"{API}{product['id']}").status_code == 404
    assert staff_browser.get(LIST, {"active": "no"}).status_code == 200
    assert _events_of(product["id"], drain)[1:] == [
        (PRODUCT_UPDATED, {"product_id": product["id"], "is_active": False})
    ]
    assert 'formaction="' not in staff_browser.get(_change(product["id"])).content.decode()


# Deleting -----------------------------------------------------------------------------------


def test_deleting_asks_first_then_deletes_through_the_service(staff_browser, api, make_product, drain):
    product = make_product(name="Red mug")
    delete = f"{LIST}{product['id']}/delete/"

    confirm = staff_browser.get(delete)
    response = staff_browser.post(delete, {"post": "yes"})

    assert "Are you sure you want to delete the product “Red mug”?" in confirm.content.decode()
    assert response.status_code == 302 and response["Location"] == LIST
    assert api.get(f"{API}{product['id']}").status_code == 404
    assert _rows(staff_browser.get(LIST)) == []
    assert _events_of(product["id"], drain)[1:] == [(PRODUCT_DELETED, {"product_id": product["id"]})]


@pytest.mark.slow  # each write waits out document_lock's 5 s before giving up
def test_a_locked_product_gives_a_message_not_a_server_error(staff_browser, make_product, catalog):
    product = make_product(name="Red mug")
    _hold_lock(product["id"])
    form = staff_browser.get(_change(product["id"])).context["form"]
    posted = {name: form[name].value() for name in form.fields} | {"name": "Blue mug", "is_active": "on"}

    edit = staff_browser.post(_change(product["id"]), posted)
    delete = staff_browser.post(f"{LIST}{product['id']}/delete/", {"post": "yes"}, follow=True)

    assert edit.status_code == 200
    assert "try again" in _errors(edit)["__all__"][0]
    assert delete.status_code == 200 and "try again" in delete.content.decode()
    stored = catalog["products"].find_one({"_id": product["id"]})
    assert (stored["name"], stored["is_deleted"]) == ("Red mug", False)


# Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LIST, ADD])
def test_a_customers_cookie_is_sent_to_the_login(path, catalog):
    customer = staff_browser_client(is_staff=False, email="shopper@example.com")

    read = customer.get(path)
    write = customer.post(ADD, FORM)

    assert read.status_code == 302 and read["Location"].startswith("/admin/login/")
    assert write.status_code == 302
    assert _stored(catalog) == []

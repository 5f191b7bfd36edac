import uuid
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/products/"


def test_staff_creates_a_product_and_anyone_reads_it(staff_api, api):
    response = staff_api.post(
        URL,
        {
            "sku": "MUG-1",
            "name": "Red mug",
            "category": "kitchen",
            "price": "12.50",
            "description": "Stoneware",
            "initial_stock": 40,
            "attributes": {"colour": "red", "capacity ml": 350},
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    created = response.json()
    assert set(created) == {
        "id", "sku", "name", "description", "category", "price", "currency",
        "attributes", "is_active", "created_at", "updated_at",
    }  # fmt: skip
    assert (created["price"], created["currency"], created["is_active"]) == ("12.50", "USD", True)
    fetched = api.get(f"{URL}{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created


def test_prices_are_exact(staff_api, catalog):
    created = staff_api.post(
        URL, {"sku": "P-1", "name": "x", "category": "c", "price": "0.10"}, format="json"
    ).json()
    updated = staff_api.patch(f"{URL}{created['id']}", {"price": "0.30"}, format="json").json()

    assert updated["price"] == "0.30"
    assert catalog["products"].find_one({"_id": created["id"]})["price_cents"] == 30


def test_list_filters_by_category_price_and_search(api, make_product):
    make_product(sku="A", name="Red mug", category="kitchen", price="12.50")
    make_product(sku="B", name="Blue mug", category="kitchen", price="9.90", description="Cobalt (glazed)")
    make_product(sku="C", name="Desk lamp", category="office", price="45.00")

    def skus(**params):
        response = api.get(URL, params)
        assert response.status_code == 200, response.json()
        return sorted(p["sku"] for p in response.json()["results"])

    assert skus(category="kitchen") == ["A", "B"]
    assert skus(min_price="10") == ["A", "C"]
    assert skus(max_price="12.50") == ["A", "B"]
    assert skus(min_price="10", max_price="20") == ["A"]
    assert skus(search="MUG") == ["A", "B"]
    assert skus(search="cobalt") == ["B"]
    assert skus(search="(glazed)") == ["B"]
    assert skus(search=".*") == []  # user text is matched literally, never as a pattern
    assert skus(search="mug", category="office") == []


def test_list_orders_and_paginates(api, make_product):
    for sku, price in [("A", "3.00"), ("B", "1.00"), ("C", "2.00")]:
        make_product(sku=sku, name=f"Item {sku}", price=price)

    by_price = api.get(URL, {"ordering": "price"}).json()
    by_price_desc = api.get(URL, {"ordering": "-price"}).json()
    page = api.get(URL, {"ordering": "name", "limit": 2, "offset": 1}).json()
    newest = api.get(URL).json()

    assert [p["sku"] for p in by_price["results"]] == ["B", "C", "A"]
    assert [p["sku"] for p in by_price_desc["results"]] == ["A", "C", "B"]
    assert (page["count"], [p["sku"] for p in page["results"]]) == (3, ["B", "C"])
    assert page["next"] is None
    assert "offset" not in page["previous"]
    assert [p["sku"] for p in newest["results"]] == ["C", "B", "A"]


def test_ids_fetches_a_batch_in_one_request(api, make_product):
    first, second, _ = make_product(), make_product(), make_product()

    response = api.get(URL, {"ids": f"{first['id']},{second['id']},{uuid.uuid4()}"})

    assert response.status_code == 200
    assert {p["id"] for p in response.json()["results"]} == {first["id"], second["id"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_price": "20", "max_price": "10"}, "min_price"),
        ({"min_price": "-1"}, "min_price"),
        ({"max_price": "abc"}, "max_price"),
        ({"ordering": "stock"}, "ordering"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1000"}, "limit"),
        ({"offset": "-5"}, "offset"),
        ({"ids": ",".join(str(uuid.uuid4()) for _ in range(101))}, "ids"),
        ({"ids": ","}, "ids"),
        # Only ids' own characters: a long non-ASCII value would not fit in a URL once encoded.
        ({"ids": "é" * 36}, "ids"),
    ],
)
def test_bad_query_parameters_are_400_naming_them(api, params, field):
    response = api.get(URL, params)

    assert response.status_code == 400
    assert field in response.json()


def test_operator_shaped_parameters_are_plain_text(api, make_product):
    make_product(sku="A", category="kitchen")

    unknown = api.get(URL, {"category[$ne]": "x"})
    assert unknown.status_code == 400 and "category[$ne]" in unknown.json()  # refused, never a filter
    assert api.get(URL, {"category": '{"$ne": "x"}'}).json()["count"] == 0
    assert api.get(URL, {"search": "a{1000}{1000}"}).status_code == 200


def test_duplicate_sku_is_409(staff_api, make_product):
    make_product(sku="DUP-1")

    response = staff_api.post(
        URL, {"sku": "DUP-1", "name": "x", "category": "c", "price": "1.00"}, format="json"
    )

    assert response.status_code == 409
    assert "sku" in response.json()


def test_changing_a_sku_to_a_taken_one_is_409(staff_api, make_product):
    make_product(sku="TAKEN")
    other = make_product(sku="FREE")

    response = staff_api.patch(f"{URL}{other['id']}", {"sku": "TAKEN"}, format="json")

    assert response.status_code in {409}
    assert staff_api.get(f"{URL}{other['id']}").json()["sku"] == "FREE"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price": "-1.00"}, "price"),
        ({"price": "1.001"}, "price"),
        ({"price": "abc"}, "price"),
        ({"sku": "has space"}, "sku"),
        ({"sku": ""}, "sku"),
        ({"name": ""}, "name"),
        ({"currency": "usd"}, "currency"),
        ({"initial_stock": -1}, "initial_stock"),
        ({"attributes": {"$where": "1"}}, "attributes"),
        ({"attributes": {"a.b": "1"}}, "attributes"),
        ({"attributes": "red"}, "attributes"),
    ],
)
def test_bad_product_input_is_400_and_stores_nothing(staff_api, catalog, change, field):
    body = {"sku": "OK-1", "name": "Mug", "category": "kitchen", "price": "9.99", **change}

    response = staff_api.post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert catalog["products"].count_documents({}) == 0


@pytest.mark.parametrize("number", ["1e400", "-1e400", str(2**63), str(-(2**63) - 1)])
def test_an_attribute_number_mongodb_cannot_store_is_400_and_stores_nothing(staff_api, catalog, number):
    # Raw JSON: 1e400 parses as infinity, which the test client would refuse to encode.
    body = '{"sku": "OK-1", "name": "Mug", "category": "kitchen", "price": "9.99", "attributes": {"w": %s}}'
    body %= number

    response = staff_api.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert "attributes" in response.json()
    assert catalog["products"].count_documents({}) == 0


def test_a_patch_with_an_attribute_number_mongodb_cannot_store_is_400(staff_api, make_product):
    product = make_product(attributes={"w": 1})

    response = staff_api.patch(
        f"{URL}{product['id']}", '{"attributes": {"w": 1e400}}', content_type="application/json"
    )

    assert response.status_code == 400
    assert "attributes" in response.json()
    assert staff_api.get(f"{URL}{product['id']}").json()["attributes"] == {"w": 1}


def test_missing_fields_are_400(staff_api):
    response = staff_api.post(URL, {"name": "Mug"}, format="json")

    assert response.status_code == 400
    assert {"sku", "category", "price"} <= set(response.json())


def test_writes_are_staff_only(api, customer_api, make_product):
    product = make_product()
    body = {"sku": "X-1", "name": "x", "category": "c", "price": "1.00"}

    assert api.post(URL, body, format="json").status_code == 401
    assert customer_api.post(URL, body, format="json").status_code == 403
    assert customer_api.patch(f"{URL}{product['id']}", {"price": "0.01"}, format="json").status_code == 403
    assert customer_api.delete(f"{URL}{product['id']}").status_code == 403
    assert api.get(f"{URL}{product['id']}").json()["price"] == product["price"]


def test_put_replaces_and_patch_changes_only_what_it_names(staff_api, make_product):
    product = make_product(description="old", attributes={"a": 1})

    patched = staff_api.patch(f"{URL}{product['id']}", {"name": "New"}, format="json").json()
    put = staff_api.put(
        f"{URL}{product['id']}",
        {"sku": product["sku"], "name": "Put", "category": "c2", "price": "2.00"},
        format="json",
    ).json()

    assert (patched["name"], patched["description"], patched["attributes"]) == ("New", "old", {"a": 1})
    assert (put["name"], put["category"], put["price"]) == ("Put", "c2", "2.00")


def test_initial_stock_cannot_be_changed_here(staff_api, make_product):
    product = make_product(initial_stock=5)

    response = staff_api.patch(f"{URL}{product['id']}", {"initial_stock": 50}, format="json")

    assert response.status_code == 400
    assert "initial_stock" in response.json()


def test_delete_then_get_is_404(staff_api, api, make_product):
    product = make_product()

    assert staff_api.delete(f"{URL}{product['id']}").status_code == 204
    assert api.get(f"{URL}{product['id']}").status_code == 404
    assert staff_api.get(f"{URL}{product['id']}").status_code == 404
    assert staff_api.delete(f"{URL}{product['id']}").status_code == 404
    assert api.get(URL).json()["count"] == 0


def test_inactive_products_are_hidden_from_customers_but_not_from_staff(api, staff_api, make_product):
    product = make_product(is_active=False)

    assert api.get(f"{URL}{product['id']}").status_code == 404
    assert api.get(URL).json()["count"] == 0
    assert staff_api.get(f"{URL}{product['id']}").status_code == 200
    assert staff_api.get(URL).json()["count"] == 1


def test_unknown_product_is_404(api):
    assert api.get(f"{URL}{uuid.uuid4()}").status_code == 404


def test_money_round_trips_as_decimal_strings(api, make_product):
    product = make_product(price="1234567890.12")

    assert Decimal(api.get(f"{URL}{product['id']}").json()["price"]) == Decimal("1234567890.12")

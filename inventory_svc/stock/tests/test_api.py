import uuid

import pytest
import yaml

from shared.testing.schema import validated_schema
from stock import services
from stock.models import Item

pytestmark = pytest.mark.django_db
URL = "/api/v1/inventory/"


def test_items_are_staff_only(api_for, make_item):
    make_item()

    assert api_for(None).get(URL).status_code == 401
    assert api_for("customer").get(URL).status_code == 403
    assert api_for("service").get(URL).status_code == 403
    assert api_for("staff").get(URL).status_code == 200


def test_item_shape_and_filters(staff_api, make_item):
    plenty = make_item(quantity=50, reorder_threshold=5, name="Blue mug")
    low = make_item(quantity=3, reorder_threshold=5)

    everything = staff_api.get(URL).json()
    only_low = staff_api.get(URL, {"low_stock": "true"}).json()
    not_low = staff_api.get(URL, {"low_stock": "false"}).json()
    by_product = staff_api.get(URL, {"product_id": plenty.product_id}).json()

    assert everything["count"] == 2
    assert set(everything["results"][0]) == {
        "id", "product_id", "product_name", "sku", "quantity", "reserved", "available",
        "reorder_threshold", "is_low_stock", "is_active", "updated_at",
    }  # fmt: skip
    assert by_product["results"][0]["product_name"] == "Blue mug"
    assert [i["product_id"] for i in only_low["results"]] == [low.product_id]
    assert [i["product_id"] for i in not_low["results"]] == [plenty.product_id]
    assert [i["id"] for i in by_product["results"]] == [str(plenty.id)]
    assert staff_api.get(URL, {"low_stock": "maybe"}).status_code == 400


def test_create_adjust_and_history(staff_api):
    created = staff_api.post(URL, {"product_id": "p-api", "sku": "API-1", "quantity": 40}, format="json")
    assert created.status_code == 201
    item_id = created.json()["id"]
    assert created.json()["reorder_threshold"] == 5

    adjusted = staff_api.patch(f"{URL}{item_id}", {"quantity": 35, "reason": "stocktake"}, format="json")
    history = staff_api.get(f"{URL}{item_id}/history").json()

    assert adjusted.status_code == 200
    assert adjusted.json()["quantity"] == 35
    assert [(m["kind"], m["quantity_delta"], m["quantity_after"]) for m in history["results"]] == [
        ("created", 40, 40),
        ("adjusted", -5, 35),
    ]
    assert history["results"][1]["actor"] == "staff@example.com"
    assert history["results"][1]["reason"] == "stocktake"


def test_duplicate_product_is_409(staff_api, make_item):
    item = make_item()

    response = staff_api.post(URL, {"product_id": item.product_id, "sku": "X", "quantity": 1}, format="json")

    assert response.status_code == 409


def test_quantity_below_reserved_is_409(staff_api, make_item):
    item = make_item(quantity=10)
    services.stock_reserve(order_id="held", items=[{"product_id": item.product_id, "quantity": 6}])

    response = staff_api.patch(f"{URL}{item.id}", {"quantity": 5}, format="json")

    assert response.status_code == 409
    assert Item.objects.get(id=item.id).quantity == 10


@pytest.mark.parametrize("body", [{"quantity": -1}, {"quantity": "many"}, {"reorder_threshold": -2}])
def test_bad_adjustments_are_400(staff_api, make_item, body):
    item = make_item()

    assert staff_api.patch(f"{URL}{item.id}", body, format="json").status_code == 400


def test_unknown_item_is_404(staff_api):
    assert staff_api.get(f"{URL}{uuid.uuid4()}").status_code == 404
    assert staff_api.get(f"{URL}{uuid.uuid4()}/history").status_code == 404


def test_reserve_and_release_over_http(service_api, make_item):
    item = make_item(quantity=5)
    body = {"order_id": "http-1", "items": [{"product_id": item.product_id, "quantity": 5}]}

    reserved = service_api.post(f"{URL}reserve", body, format="json")
    again = service_api.post(f"{URL}reserve", body, format="json")
    short = service_api.post(f"{URL}reserve", {"order_id": "http-2", "items": body["items"]}, format="json")
    released = service_api.post(f"{URL}release", {"order_id": "http-1"}, format="json")

    assert (reserved.status_code, reserved.json()) == (200, {"order_id": "http-1", "status": "reserved"})
    assert again.json() == reserved.json()
    assert short.status_code == 409
    assert short.json() == {
        "order_id": "http-2",
        "status": "failed",
        "shortages": [{"product_id": item.product_id, "requested": 5, "available": 0}],
    }
    assert (released.status_code, released.json()["status"]) == (200, "released")
    assert Item.objects.get(id=item.id).reserved == 0


def test_the_history_shows_a_shipment_and_its_return(staff_api, make_item):
    item = make_item(quantity=10)
    services.stock_reserve(order_id="h-ship", items=[{"product_id": item.product_id, "quantity": 3}])
    services.stock_commit(order_id="h-ship", actor="inventory_svc")
    services.stock_restock(order_id="h-ship", actor="inventory_svc")

    history = staff_api.get(f"{URL}{item.id}/history").json()["results"]

    moves = [
        (m["kind"], m["quantity_delta"], m["reserved_delta"], m["quantity_after"], m["reserved_after"])
        for m in history
    ]
    assert moves == [
        ("created", 10, 0, 10, 0),
        ("reserved", 0, 3, 10, 3),
        ("shipped", -3, -3, 7, 0),
        ("returned", 3, 0, 10, 0),
    ]
    assert [(m["order_id"], m["actor"]) for m in history[2:]] == [("h-ship", "inventory_svc")] * 2


def test_releasing_a_shipped_order_over_http_is_409_and_gives_nothing_back(service_api, make_item):
    item = make_item(quantity=5)
    services.stock_reserve(order_id="http-shipped", items=[{"product_id": item.product_id, "quantity": 2}])
    services.stock_commit(order_id="http-shipped")

    response = service_api.post(f"{URL}release", {"order_id": "http-shipped"}, format="json")

    assert response.status_code == 409
    assert response.json() == {"order_id": "http-shipped", "status": "committed"}
    item.refresh_from_db()
    assert (item.quantity, item.reserved) == (3, 0)


@pytest.mark.parametrize(
    "body",
    [
        {"order_id": "x", "items": []},
        {"order_id": "x", "items": [{"product_id": "p", "quantity": 0}]},
        {"order_id": "x", "items": [{"product_id": "p", "quantity": 1001}]},
        {"items": [{"product_id": "p", "quantity": 1}]},
        {"order_id": "x", "items": "p"},
    ],
)
def test_bad_reserve_requests_are_400(service_api, body):
    assert service_api.post(f"{URL}reserve", body, format="json").status_code == 400


def test_customers_cannot_reserve_or_release(customer_api):
    body = {"order_id": "x", "items": [{"product_id": "p", "quantity": 1}]}

    assert customer_api.post(f"{URL}reserve", body, format="json").status_code == 403
    assert customer_api.post(f"{URL}release", {"order_id": "x"}, format="json").status_code == 403


def test_check_is_open_to_any_authenticated_user(customer_api, api_for, make_item):
    item = make_item(quantity=7)

    response = customer_api.get(f"{URL}check", {"product_id": item.product_id, "quantity": 8})

    assert response.json() == {
        "product_id": item.product_id,
        "requested": 8,
        "available": 7,
        "in_stock": False,
    }
    assert api_for(None).get(f"{URL}check", {"product_id": item.product_id, "quantity": 1}).status_code == 401
    assert customer_api.get(f"{URL}check", {"product_id": item.product_id}).status_code == 400


def test_list_costs_a_fixed_number_of_queries(staff_api, make_item, django_assert_num_queries):
    for _ in range(5):
        make_item()

    with django_assert_num_queries(2):  # the count and the page
        assert staff_api.get(URL, {"limit": 3}).json()["count"] == 5


def test_openapi_schema_is_valid(tmp_path):
    schema = validated_schema(tmp_path)
    for route in ["/api/v1/inventory/reserve", "/api/v1/inventory/release", "/api/v1/inventory/check"]:
        assert route in schema


def test_the_product_name_is_read_only(staff_api, make_item, tmp_path):
    item = make_item(name="Blue mug")

    response = staff_api.patch(f"{URL}{item.id}", {"product_name": "Typed in"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "product_name": ["Unknown field; this endpoint takes: quantity, reason, reorder_threshold, sku."]
    }
    item.refresh_from_db()
    assert item.product_name == "Blue mug"
    schema = yaml.safe_load(validated_schema(tmp_path))
    assert schema["components"]["schemas"]["Item"]["properties"]["product_name"]["readOnly"] is True


def test_an_item_is_found_by_its_product_id_too(staff_api, make_item):
    product_id = str(uuid.uuid4())
    item = make_item(product_id=product_id, quantity=7)

    by_product = staff_api.get(f"{URL}{product_id.upper()}")
    changed = staff_api.patch(f"{URL}{product_id}", {"quantity": 9, "reason": "count"}, format="json")
    history = staff_api.get(f"{URL}{product_id}/history")

    assert by_product.status_code == 200 and by_product.json()["id"] == str(item.id)
    assert changed.status_code == 200 and changed.json()["quantity"] == 9
    assert history.json()["results"][-1]["quantity_after"] == 9
    assert staff_api.get(f"{URL}{uuid.uuid4()}").status_code == 404


def test_an_item_id_wins_over_a_product_id_that_matches_it(staff_api, make_item):
    first = make_item()
    # A product whose id happens to be the first item's id: the first item's URL keeps meaning that item.
    make_item(product_id=str(first.id))

    assert staff_api.get(f"{URL}{first.id}").json()["product_id"] == first.product_id


@pytest.mark.parametrize(
    "query",
    [{"limit": "101"}, {"limit": "0"}, {"limit": "100000000000000000000"}, {"offset": "-1"},
     {"offset": "100000000000000000000"}, {"low_stock_only": "true"}],
)  # fmt: skip
def test_list_and_history_refuse_unknown_or_out_of_range_parameters(staff_api, make_item, query):
    item = make_item()

    for url in (URL, f"{URL}{item.id}/history"):
        response = staff_api.get(url, query)

        assert response.status_code == 400, url
        assert set(response.json()) == set(query)

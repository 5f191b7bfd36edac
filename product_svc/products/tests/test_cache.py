"""Reads are cached in Redis and every write invalidates them."""

import pytest

from products import repository

pytestmark = pytest.mark.django_db
URL = "/api/v1/products/"


def test_a_repeated_list_is_served_without_touching_mongodb(api, make_product, mongo_commands):
    make_product()
    make_product()
    mongo_commands.names.clear()

    first = api.get(URL, {"category": "kitchen"}).json()
    cold = list(mongo_commands.names)
    mongo_commands.names.clear()
    second = api.get(URL, {"category": "kitchen"}).json()

    assert cold == ["aggregate", "find"]  # one count and one find, whatever the page size
    assert mongo_commands.names == []
    assert second == first


def test_a_write_invalidates_cached_lists_and_products(api, staff_api, make_product):
    product = make_product(name="Before")
    assert api.get(URL).json()["results"][0]["name"] == "Before"
    assert api.get(f"{URL}{product['id']}").json()["name"] == "Before"

    staff_api.patch(f"{URL}{product['id']}", {"name": "After"}, format="json")

    assert api.get(URL).json()["results"][0]["name"] == "After"
    assert api.get(f"{URL}{product['id']}").json()["name"] == "After"


def test_a_product_is_read_by_id_alone(api, make_product, mongo_commands):
    # FerretDB pushes only an _id filter down to its storage; any other field reads the whole collection.
    product = make_product()
    mongo_commands.clear()

    assert api.get(f"{URL}{product['id']}").status_code == 200

    assert mongo_commands.filters("find", repository.COLLECTION) == [{"_id": product["id"]}]


def test_a_batch_by_ids_reads_only_products_not_cached_each_by_id(service_api, make_product, mongo_commands):
    first, second, third = make_product(), make_product(), make_product(is_active=False)
    mongo_commands.clear()

    service_api.get(URL, {"ids": f"{first['id']},{second['id']}"})
    cold = mongo_commands.filters("find", repository.COLLECTION)
    mongo_commands.clear()
    warm = service_api.get(URL, {"ids": f"{second['id']},{third['id']},{first['id']}"}).json()

    assert sorted(f["_id"] for f in cold) == sorted([first["id"], second["id"]])
    assert mongo_commands.filters("find", repository.COLLECTION) == [{"_id": third["id"]}]
    # The same answer a query over the collection gives: the page, its order, its count.
    ids = [first["id"], second["id"], third["id"]]
    count, expected = repository.find(include_inactive=True, ids=ids)
    assert [p["id"] for p in warm["results"]] == [p["id"] for p in expected]
    assert warm["count"] == count == 3


def test_a_batch_by_ids_hides_inactive_and_deleted_products_from_customers(api, staff_api, make_product):
    shown, hidden, deleted = make_product(), make_product(is_active=False), make_product()
    staff_api.delete(f"{URL}{deleted['id']}")

    listed = api.get(URL, {"ids": f"{shown['id']},{hidden['id']},{deleted['id']}"}).json()

    assert [p["id"] for p in listed["results"]] == [shown["id"]]
    assert listed["count"] == 1

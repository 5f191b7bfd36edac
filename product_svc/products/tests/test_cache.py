"""Reads are cached in Redis and every write invalidates them."""

import pytest

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

"""What product events do to an item's copy of the catalog's name and sku (the handlers, directly; the
Kafka consumer around them is test_consumer.py)."""

import pytest

from shared.events import PRODUCT_CREATED, PRODUCT_UPDATED, make_envelope
from stock.handlers import handle_product_event
from stock.models import Item, Movement

pytestmark = pytest.mark.django_db


def _created(product_id, name="Blue mug", sku="MUG-1"):
    data = {
        "product_id": product_id,
        "sku": sku,
        "name": name,
        "category": "kitchen",
        "price": "9.50",
        "initial_stock": 20,
    }
    return make_envelope(PRODUCT_CREATED, data, source="product_svc")


def _updated(product_id, **changed):
    return make_envelope(PRODUCT_UPDATED, {"product_id": product_id, **changed}, source="product_svc")


def _renames(item):
    return list(Movement.objects.filter(item=item, kind="renamed").values_list("reason", flat=True))


def test_product_created_names_the_item():
    handle_product_event(_created("p-name"))

    item = Item.objects.get(product_id="p-name")
    assert (item.product_name, item.sku, item.quantity) == ("Blue mug", "MUG-1", 20)


def test_product_updated_renames_the_item_once_however_often_it_arrives():
    handle_product_event(_created("p-rename"))
    renamed = _updated("p-rename", name="Green mug", price="10.00")

    assert handle_product_event(renamed) is True
    assert handle_product_event(renamed) is False  # the same event again

    item = Item.objects.get(product_id="p-rename")
    assert (item.product_name, item.sku) == ("Green mug", "MUG-1")
    assert _renames(item) == ["name is now Green mug"]


def test_name_and_sku_changed_together_make_one_movement():
    handle_product_event(_created("p-both"))

    handle_product_event(_updated("p-both", sku="MUG-2", name="Green mug"))

    item = Item.objects.get(product_id="p-both")
    assert (item.product_name, item.sku) == ("Green mug", "MUG-2")
    assert _renames(item) == ["sku is now MUG-2; name is now Green mug"]


def test_an_update_that_changes_neither_name_nor_sku_leaves_the_item_alone():
    handle_product_event(_created("p-price"))
    before = Item.objects.get(product_id="p-price").updated_at

    handle_product_event(_updated("p-price", price="12.00", name="Blue mug"))  # the same name

    item = Item.objects.get(product_id="p-price")
    assert item.updated_at == before and _renames(item) == []


def test_an_update_for_a_product_without_an_item_is_harmless():
    assert handle_product_event(_updated("p-unknown", name="Ghost")) is True

    assert not Item.objects.filter(product_id="p-unknown").exists()

"""Every read of stock."""

import uuid

from django.db.models import F, Q, QuerySet

from stock.models import Item, Movement


def low_stock_condition() -> Q:
    """Items whose available units (quantity - reserved) are at or below their reorder threshold:
    ``Item.is_low_stock`` as a query, for the API's and the admin's filters."""
    return Q(quantity__lte=F("reserved") + F("reorder_threshold"))


def item_list(*, product_id=None, low_stock=None) -> QuerySet[Item]:
    items = Item.objects.order_by("created_at", "id")
    if product_id:
        items = items.filter(product_id=product_id)
    if low_stock is not None:
        items = items.filter(low_stock_condition()) if low_stock else items.exclude(low_stock_condition())
    return items


def item_get(*, item_id) -> Item | None:
    return Item.objects.filter(id=item_id).first()


def item_by_key(*, key: str) -> Item | None:
    """The item whose id is ``key`` or, failing that, the item of the product whose id is ``key``.

    Both are UUIDs, so they do not meet in practice; should they, the item id wins, so that an item's
    own URL never changes meaning. Product ids are compared in their canonical (lower-case) form, the
    one product_svc issues.
    """
    return item_get(item_id=key) or item_for_product(product_id=str(uuid.UUID(key)))


def item_for_product(*, product_id) -> Item | None:
    return Item.objects.filter(product_id=product_id).first()


def item_history(*, item: Item) -> QuerySet[Movement]:
    return Movement.objects.filter(item=item).order_by("id")


def stock_check(*, product_id: str, quantity: int) -> dict:
    item = Item.objects.filter(product_id=product_id, is_active=True).first()
    available = item.available if item else 0
    return {
        "product_id": product_id,
        "requested": quantity,
        "available": available,
        "in_stock": available >= quantity,
    }

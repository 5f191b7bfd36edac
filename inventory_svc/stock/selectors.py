"""Every read of stock."""

from django.db.models import F, QuerySet

from stock.models import Item, Movement


def item_list(*, product_id=None, low_stock=None) -> QuerySet[Item]:
    items = Item.objects.order_by("created_at", "id")
    if product_id:
        items = items.filter(product_id=product_id)
    if low_stock is not None:
        below = {"quantity__lte": F("reserved") + F("reorder_threshold")}
        items = items.filter(**below) if low_stock else items.exclude(**below)
    return items


def item_get(*, item_id) -> Item | None:
    return Item.objects.filter(id=item_id).first()


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

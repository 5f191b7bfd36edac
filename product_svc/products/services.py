"""Every change to the catalog. Each write stores the product and its event (products.messages) in one
document write (the embedded outbox); the relay publishes the event to Kafka afterwards."""

import uuid

from products import messages, repository
from products.cache import invalidate


def product_create(
    *,
    sku: str,
    name: str,
    category: str,
    price,
    description: str = "",
    currency: str = "USD",
    initial_stock: int = 0,
    attributes: dict | None = None,
    is_active: bool = True,
) -> dict:
    """Raise repository.SkuTaken when the sku exists."""
    fields = {
        "id": str(uuid.uuid4()),
        "sku": sku,
        "name": name,
        "description": description,
        "category": category,
        "price": price,
        "currency": currency,
        "attributes": attributes or {},
        "is_active": is_active,
        "initial_stock": initial_stock,
    }
    event = messages.product_created(fields)  # before the insert, which takes the id out of ``fields``
    product = repository.insert(fields=fields, outbox_entries=[event])
    invalidate()
    return product


def product_update(*, product_id: str, **changes) -> dict | None:
    """Apply the given fields; announce only those that really changed. None if the product is gone.
    Raise repository.SkuTaken when the new sku belongs to another product."""

    def plan(current):
        changed = {field: value for field, value in changes.items() if current.get(field) != value}
        if not changed:
            return {}, []
        return changed, [messages.product_updated(product_id, changed)]

    product = repository.update(product_id, plan)
    invalidate()
    return product


def product_delete(*, product_id: str) -> bool:
    deleted = repository.mark_deleted(product_id, outbox_entries=[messages.product_deleted(product_id)])
    invalidate()
    return deleted

"""Every change to the catalog. Each write stores the product and its event in one document write
(the embedded outbox); the relay publishes the event to Kafka afterwards."""

import uuid

from django.conf import settings

from products import repository
from products.cache import invalidate
from shared.events import PRODUCT_CREATED, PRODUCT_DELETED, PRODUCT_UPDATED, make_envelope
from shared.messaging.mongo_outbox import outbox_entry

# Fields whose change is announced in product.updated (stock is inventory's, not ours).
ANNOUNCED_FIELDS = ("sku", "name", "description", "category", "price", "currency", "attributes", "is_active")


def _event(event_type: str, product_id: str, data: dict) -> dict:
    envelope = make_envelope(event_type, {"product_id": product_id, **data}, source="product_svc")
    return outbox_entry(envelope, topic=settings.PRODUCT_EVENTS_TOPIC, key=product_id)


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
    product_id = str(uuid.uuid4())
    event = _event(
        PRODUCT_CREATED,
        product_id,
        {
            "sku": sku,
            "name": name,
            "category": category,
            "price": price,
            "currency": currency,
            "initial_stock": initial_stock,
        },
    )
    product = repository.insert(
        fields={
            "id": product_id,
            "sku": sku,
            "name": name,
            "description": description,
            "category": category,
            "price": price,
            "currency": currency,
            "attributes": attributes or {},
            "is_active": is_active,
            "initial_stock": initial_stock,
        },
        outbox_entries=[event],
    )
    invalidate()
    return product


def product_update(*, product_id: str, **changes) -> dict | None:
    """Apply the given fields; announce only those that really changed. None if the product is gone.
    Raise repository.SkuTaken when the new sku belongs to another product."""

    def plan(current):
        changed = {field: value for field, value in changes.items() if current.get(field) != value}
        if not changed:
            return {}, []
        announced = {field: value for field, value in changed.items() if field in ANNOUNCED_FIELDS}
        return changed, [_event(PRODUCT_UPDATED, product_id, announced)]

    product = repository.update(product_id, plan)
    invalidate()
    return product


def product_delete(*, product_id: str) -> bool:
    deleted = repository.mark_deleted(product_id, outbox_entries=[_event(PRODUCT_DELETED, product_id, {})])
    invalidate()
    return deleted

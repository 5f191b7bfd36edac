"""What product_svc sends: one ``product.*`` event on Kafka (key = product id) per catalog change, as an
entry of the product's embedded outbox (shared.messaging.mongo_outbox), written in the same document
write as the change; the relay (products.relay) publishes it afterwards."""

from shared.events import (
    PRODUCT_CREATED,
    PRODUCT_DELETED,
    PRODUCT_EVENTS_TOPIC,
    PRODUCT_UPDATED,
    make_envelope,
)
from shared.messaging.mongo_outbox import outbox_entry

SOURCE = "product_svc"
# What product.created tells of a new product (stock is inventory's from then on: initial_stock only).
CREATED_FIELDS = ("sku", "name", "category", "price", "currency", "initial_stock")
# Fields whose change is announced in product.updated (stock is inventory's, not ours).
ANNOUNCED_FIELDS = ("sku", "name", "description", "category", "price", "currency", "attributes", "is_active")


def _event(event_type: str, product_id: str, data: dict) -> dict:
    envelope = make_envelope(event_type, {"product_id": product_id, **data}, source=SOURCE)
    return outbox_entry(envelope, topic=PRODUCT_EVENTS_TOPIC, key=product_id)


def product_created(product: dict) -> dict:
    """The outbox entry of ``product.created`` for a new product's fields (``id`` and CREATED_FIELDS)."""
    return _event(PRODUCT_CREATED, product["id"], {field: product[field] for field in CREATED_FIELDS})


def product_updated(product_id: str, changed: dict) -> dict:
    """The outbox entry of ``product.updated`` with the ANNOUNCED_FIELDS among ``changed``."""
    announced = {field: value for field, value in changed.items() if field in ANNOUNCED_FIELDS}
    return _event(PRODUCT_UPDATED, product_id, announced)


def product_deleted(product_id: str) -> dict:
    return _event(PRODUCT_DELETED, product_id, {})

"""handle_<event>(envelope): what inventory_svc does with each message it receives. Each runs in one
transaction with its deduplication record, so a redelivered message changes nothing.

Each runs under the message's correlation id, so what it logs and sends (stock.messages) carries it: the
Kafka loop sets it around each message (shared.messaging.loop.handling), the saga's Celery tasks adopt it
before they start (shared.celery)."""

from contextlib import suppress

from django.db import transaction

from shared.events import Envelope, names
from stock import services
from stock.errors import ItemExists

ACTOR = "inventory_svc"


def handle_product_event(envelope: Envelope) -> bool:
    """Apply a product.* event; False when it had been handled already (or is not ours)."""
    handler = _PRODUCT_HANDLERS.get(envelope.event_type)
    if handler is None:
        return False
    with transaction.atomic():
        if not services.first_delivery(envelope.event_id, envelope.event_type):
            return False
        handler(envelope)
        return True


def _product_created(envelope):
    data = envelope.data
    # The same product announced twice under two event ids: the first one counts.
    with suppress(ItemExists):
        services.item_create(
            product_id=data["product_id"],
            product_name=data["name"],
            sku=data["sku"],
            quantity=data["initial_stock"],
            actor="product.created",
        )


def _product_updated(envelope):
    # Only the changed fields are in the event; the item keeps a copy of two of them.
    data = envelope.data
    if "sku" in data or "name" in data:
        services.item_rename(
            product_id=data["product_id"], sku=data.get("sku"), product_name=data.get("name")
        )


def _product_deleted(envelope):
    services.item_deactivate(product_id=envelope.data["product_id"])


_PRODUCT_HANDLERS = {
    names.PRODUCT_CREATED: _product_created,
    names.PRODUCT_UPDATED: _product_updated,
    names.PRODUCT_DELETED: _product_deleted,
}


def handle_reserve_stock(envelope: Envelope):
    """The saga's reserve command: reserve all or nothing and reply through the outbox."""
    return services.stock_reserve(
        order_id=envelope.data["order_id"], items=envelope.data["items"], actor=ACTOR, reply=True
    )


def handle_release_stock(envelope: Envelope):
    return services.stock_release(order_id=envelope.data["order_id"], actor=ACTOR)


def handle_commit_stock(envelope: Envelope):
    """The saga's commit command (the order shipped); raises ``TooEarly`` before the reservation exists."""
    return services.stock_commit(order_id=envelope.data["order_id"], actor=ACTOR)


def handle_restock(envelope: Envelope):
    """The saga's restock command (a shipped order refunded, goods back); raises ``TooEarly`` before the
    order's commit."""
    return services.stock_restock(order_id=envelope.data["order_id"], actor=ACTOR)

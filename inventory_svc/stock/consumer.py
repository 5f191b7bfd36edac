"""The Kafka consumer of product.events: the shared loop (``shared.messaging.kafka_consumer``) in
inventory's group, with ``handle_product_event`` for each product event.

The offset is committed only after the database commit of the message's effect, so a crash re-reads
the message, and the event id recorded in the same transaction makes the replay harmless.
"""

from shared.events import names
from shared.messaging.kafka_consumer import EventConsumer
from stock.handlers import handle_product_event

PRODUCT_EVENT_HANDLERS = {
    names.PRODUCT_CREATED: handle_product_event,
    names.PRODUCT_UPDATED: handle_product_event,
    names.PRODUCT_DELETED: handle_product_event,
}


class ProductEventsConsumer(EventConsumer):
    """PRODUCT_EVENTS_TOPIC in INVENTORY_CONSUMER_GROUP."""

    def __init__(self, **options):
        super().__init__(
            topic=names.PRODUCT_EVENTS_TOPIC,
            group_id=names.INVENTORY_CONSUMER_GROUP,
            handlers=PRODUCT_EVENT_HANDLERS,
            **options,
        )

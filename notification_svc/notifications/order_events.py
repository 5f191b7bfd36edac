"""The Kafka consumer of order.events: the shared loop (``shared.messaging.kafka_consumer``) in
NOTIFICATION_ORDER_GROUP, with ``handle_order_status_changed`` emailing a customer whose order shipped.

The offset is committed only after the notification row is stored (and its sending tried), so a crash
re-reads the event, and the row's uniqueness on (event id, recipient) makes the replay send nothing.
Events of other statuses are read and committed, nothing more.
"""

from notifications.handlers import ORDER_EVENTS_HANDLERS
from shared.events import names
from shared.messaging.kafka_consumer import EventConsumer


class OrderEventsConsumer(EventConsumer):
    """ORDER_EVENTS_TOPIC in NOTIFICATION_ORDER_GROUP (another group for a replay in tests)."""

    def __init__(self, *, group_id: str = names.NOTIFICATION_ORDER_GROUP, **options):
        super().__init__(
            topic=names.ORDER_EVENTS_TOPIC,
            group_id=group_id,
            handlers=ORDER_EVENTS_HANDLERS,
            **options,
        )

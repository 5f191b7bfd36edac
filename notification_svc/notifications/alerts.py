"""Live alerts to the staff connected over websockets (consumers.StaffAlertsConsumer).

The alert is what the low-stock email says, as JSON: ``{"event_id", "event_type", "occurred_at",
"data": {product_id, sku, available, reorder_threshold}}``.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from shared.events import Envelope

logger = logging.getLogger("notifications.alerts")

STAFF_ALERTS_GROUP = "staff-alerts"
# The channel-layer message type; channels calls the consumer method of the same name, dots as "_".
ALERT_MESSAGE_TYPE = "staff.alert"


def alert_payload(envelope: Envelope) -> dict:
    return {
        "event_id": envelope.event_id,
        "event_type": envelope.event_type,
        "occurred_at": envelope.occurred_at,
        "data": envelope.data,
    }


def alert_staff(envelope: Envelope) -> bool:
    """Push the alert to every connected staff socket; return whether it was handed to Redis.

    Best effort: the email is the durable record, so a channel-layer failure is logged, not raised
    (raising would leave the event unacknowledged for a push no one can retry).
    """
    try:
        async_to_sync(get_channel_layer().group_send)(
            STAFF_ALERTS_GROUP, {"type": ALERT_MESSAGE_TYPE, "alert": alert_payload(envelope)}
        )
    except Exception as exc:
        logger.warning("live alert for event %s not pushed: %s", envelope.event_id, exc)
        return False
    return True

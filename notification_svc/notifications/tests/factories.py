import uuid

from notifications.models import Notification
from shared.events import INVENTORY_LOW_STOCK, ORDER_STATUS_CHANGED, make_envelope


def low_stock_event(correlation_id=None, **data):
    """An inventory.low_stock envelope as inventory_svc makes it; any data field can be given."""
    return make_envelope(
        INVENTORY_LOW_STOCK,
        {
            "product_id": str(uuid.uuid4()),
            "sku": f"SKU-{uuid.uuid4().hex[:8]}",
            "available": 3,
            "reorder_threshold": 5,
            **data,
        },
        source="inventory_svc",
        correlation_id=correlation_id,
    )


def order_status_changed(status="shipped", *, previous_status="processing", correlation_id=None, **data):
    """An order.status_changed envelope as order_svc makes it; any data field can be given, and one
    given as None is left out (``customer_email=None``: an event without the address)."""
    fields = {
        "order_id": f"o-{uuid.uuid4().hex[:12]}",
        "user_id": str(uuid.uuid4()),
        "status": status,
        "previous_status": previous_status,
        "total": "59.90",
        "currency": "EUR",
        **data,
    }
    return make_envelope(
        ORDER_STATUS_CHANGED,
        {name: value for name, value in fields.items() if value is not None},
        source="order_svc",
        correlation_id=correlation_id,
    )


def make_notification(**fields) -> Notification:
    defaults = {
        "kind": Notification.Kind.TEST,
        "recipient": f"ops-{uuid.uuid4().hex[:12]}@example.test",
        "subject": "Hello",
        "body": "Hello",
    }
    return Notification.objects.create(**{**defaults, **fields})

"""The ``data`` of each event type: required fields and their JSON types. Money is a decimal string."""

from shared.events import names

_NUMBER = (int,)
_STR = (str,)
_MONEY = (str,)
_LIST = (list,)

# event type -> (required fields with types, optional fields with types)
SCHEMAS: dict[str, tuple[dict, dict]] = {
    names.PRODUCT_CREATED: (
        {
            "product_id": _STR,
            "sku": _STR,
            "name": _STR,
            "category": _STR,
            "price": _MONEY,
            "initial_stock": _NUMBER,
        },
        {"currency": _STR},
    ),
    # Only the fields that changed, besides the id.
    names.PRODUCT_UPDATED: (
        {"product_id": _STR},
        {
            "sku": _STR,
            "name": _STR,
            "category": _STR,
            "price": _MONEY,
            "currency": _STR,
            "description": _STR,
            "attributes": (dict,),
            "is_active": (bool,),
        },
    ),
    names.PRODUCT_DELETED: ({"product_id": _STR}, {}),
    names.INVENTORY_CREATED: (
        {"product_id": _STR, "sku": _STR, "quantity": _NUMBER, "reorder_threshold": _NUMBER},
        {},
    ),
    # items: [{product_id, quantity}] (shared.events.order_lines)
    names.INVENTORY_RESERVED: ({"order_id": _STR, "items": _LIST}, {}),
    names.INVENTORY_RELEASED: ({"order_id": _STR, "items": _LIST}, {}),
    names.INVENTORY_ADJUSTED: (
        {"product_id": _STR, "sku": _STR, "quantity": _NUMBER, "reserved": _NUMBER, "available": _NUMBER},
        {"reason": _STR},
    ),
    # Saga commands and replies (Celery task kwargs); the event type is the task name.
    names.RESERVE_STOCK_TASK: ({"order_id": _STR, "items": _LIST}, {}),
    names.RELEASE_STOCK_TASK: ({"order_id": _STR}, {}),
    names.COMMIT_STOCK_TASK: ({"order_id": _STR}, {}),
    names.RESTOCK_TASK: ({"order_id": _STR}, {}),
    names.INVENTORY_COMMITTED: ({"order_id": _STR, "items": _LIST}, {}),
    names.INVENTORY_RETURNED: ({"order_id": _STR, "items": _LIST}, {}),
    # previous_status is absent on the creation (status "pending"); money as decimal strings.
    names.ORDER_STATUS_CHANGED: (
        {"order_id": _STR, "user_id": _STR, "status": _STR, "total": _MONEY, "currency": _STR},
        {"previous_status": _STR, "reason": _STR, "customer_email": _STR},
    ),
    names.ORDER_INVENTORY_RESERVED_TASK: ({"order_id": _STR}, {}),
    names.ORDER_INVENTORY_FAILED_TASK: ({"order_id": _STR, "reason": _STR, "shortages": _LIST}, {}),
    names.INVENTORY_LOW_STOCK: (
        {"product_id": _STR, "sku": _STR, "available": _NUMBER, "reorder_threshold": _NUMBER},
        {},
    ),
}


def validate_data(event_type, data, error=ValueError):
    """Raise ``error`` naming the problem when ``data`` does not fit ``event_type``'s schema."""
    if event_type not in SCHEMAS:
        raise error(f"unknown event_type {event_type!r}")
    required, optional = SCHEMAS[event_type]
    missing = required.keys() - data.keys()
    if missing:
        raise error(f"{event_type}: missing {sorted(missing)}")
    unknown = data.keys() - required.keys() - optional.keys()
    if unknown:
        raise error(f"{event_type}: unknown fields {sorted(unknown)}")
    for field, value in data.items():
        expected = required.get(field) or optional[field]
        # bool is an int in Python; a count must not be True/False.
        if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
            raise error(f"{event_type}: {field} must be {'/'.join(t.__name__ for t in expected)}")

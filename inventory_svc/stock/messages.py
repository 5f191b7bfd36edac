"""What inventory_svc sends, one function per message, each written to the outbox
(shared.messaging.pg_outbox.api) inside the transaction of the change it announces: ``inventory.*`` events
on Kafka, the low-stock alert on Redis, and the saga's answers to order_svc as Celery tasks.

The envelope's ``correlation_id`` is the request id of the work in progress (shared.correlation): the
HTTP request's, or the one a consumer or a Celery task adopted from the message it handles.
"""

from shared.events import make_envelope, names
from shared.messaging.pg_outbox.api import enqueue_kafka, enqueue_redis, enqueue_task

SOURCE = "inventory_svc"

# The reasons of a "failed" answer (order_svc shows them as the order's failure_reason).
INSUFFICIENT_STOCK = "insufficient stock"
STOCK_RELEASED = "the order's stock was released"


def _event(event_type: str, data: dict, *, key: str) -> None:
    """An ``inventory.*`` event on Kafka: keyed by product id, or by order id for an order's lines."""
    enqueue_kafka(make_envelope(event_type, data, source=SOURCE), topic=names.INVENTORY_EVENTS_TOPIC, key=key)


def _answer(task: str, queue: str, data: dict) -> None:
    enqueue_task(make_envelope(task, data, source=SOURCE), task=task, queue=queue)


def inventory_created(item) -> None:
    data = {
        "product_id": item.product_id,
        "sku": item.sku,
        "quantity": item.quantity,
        "reorder_threshold": item.reorder_threshold,
    }
    _event(names.INVENTORY_CREATED, data, key=item.product_id)


def inventory_adjusted(item, *, reason: str) -> None:
    data = {
        "product_id": item.product_id,
        "sku": item.sku,
        "quantity": item.quantity,
        "reserved": item.reserved,
        "available": item.available,
        "reason": reason,
    }
    _event(names.INVENTORY_ADJUSTED, data, key=item.product_id)


def inventory_low_stock(item) -> None:
    """The alert on Redis (PUBLISH for live listeners, XADD for the stream's consumer group) and on Kafka."""
    data = {
        "product_id": item.product_id,
        "sku": item.sku,
        "available": item.available,
        "reorder_threshold": item.reorder_threshold,
    }
    envelope = make_envelope(names.INVENTORY_LOW_STOCK, data, source=SOURCE)
    enqueue_redis(envelope, channel=names.LOW_STOCK_CHANNEL, stream=names.LOW_STOCK_STREAM)
    _event(names.INVENTORY_LOW_STOCK, data, key=item.product_id)


def inventory_reserved(order_id: str, items: list[dict]) -> None:
    """The order's lines reserved; ``items``: ``[{product_id, quantity}]``."""
    _event(names.INVENTORY_RESERVED, {"order_id": order_id, "items": items}, key=order_id)


def inventory_released(order_id: str, items: list[dict]) -> None:
    _event(names.INVENTORY_RELEASED, {"order_id": order_id, "items": items}, key=order_id)


def inventory_committed(order_id: str, items: list[dict]) -> None:
    """The order shipped: its lines' units left the warehouse."""
    _event(names.INVENTORY_COMMITTED, {"order_id": order_id, "items": items}, key=order_id)


def inventory_returned(order_id: str, items: list[dict]) -> None:
    """A shipped order's lines back on the shelf."""
    _event(names.INVENTORY_RETURNED, {"order_id": order_id, "items": items}, key=order_id)


def reply_reserved(order_id: str) -> None:
    """The saga's answer "reserved" (task ``orders.inventory_reserved``)."""
    _answer(names.ORDER_INVENTORY_RESERVED_TASK, names.INVENTORY_RESERVED_QUEUE, {"order_id": order_id})


def reply_failed(order_id: str, shortages: list[dict], *, reason: str = INSUFFICIENT_STOCK) -> None:
    """The saga's answer "failed" (task ``orders.inventory_failed``) with the reason and the shortages."""
    data = {"order_id": order_id, "reason": reason, "shortages": shortages}
    _answer(names.ORDER_INVENTORY_FAILED_TASK, names.INVENTORY_FAILED_QUEUE, data)

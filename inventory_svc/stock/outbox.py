"""What inventory_svc announces, written to the outbox inside the transaction of the change."""

from django.conf import settings

from shared.events import make_envelope, names
from shared.outbox.api import enqueue_kafka, enqueue_redis, enqueue_task

SOURCE = "inventory_svc"


def _envelope(event_type, data):
    """The envelope of a message; its correlation_id is the request id of the work in progress."""
    return make_envelope(event_type, data, source=SOURCE)


def announce(event_type, *, product_id, data):
    """An ``inventory.*`` event on Kafka, keyed by product id."""
    enqueue_kafka(_envelope(event_type, data), topic=settings.INVENTORY_EVENTS_TOPIC, key=product_id)


def announce_order(event_type, *, order_id, data):
    """An ``inventory.*`` event about an order (several products); keyed by order id."""
    enqueue_kafka(_envelope(event_type, data), topic=settings.INVENTORY_EVENTS_TOPIC, key=order_id)


def alert_low_stock(item):
    data = {
        "product_id": item.product_id,
        "sku": item.sku,
        "available": item.available,
        "reorder_threshold": item.reorder_threshold,
    }
    enqueue_redis(
        _envelope(names.INVENTORY_LOW_STOCK, data),
        channel=settings.LOW_STOCK_CHANNEL,
        stream=settings.LOW_STOCK_STREAM,
    )
    announce(names.INVENTORY_LOW_STOCK, product_id=item.product_id, data=data)


def reply_reserved(order_id):
    enqueue_task(
        _envelope(names.ORDER_INVENTORY_RESERVED_TASK, {"order_id": order_id}),
        task=names.ORDER_INVENTORY_RESERVED_TASK,
        queue=names.INVENTORY_RESERVED_QUEUE,
    )


# The reasons of a "failed" answer (order_svc shows them as the order's failure_reason).
INSUFFICIENT_STOCK = "insufficient stock"
STOCK_RELEASED = "the order's stock was released"


def reply_failed(order_id, shortages, reason=INSUFFICIENT_STOCK):
    data = {"order_id": order_id, "reason": reason, "shortages": shortages}
    enqueue_task(
        _envelope(names.ORDER_INVENTORY_FAILED_TASK, data),
        task=names.ORDER_INVENTORY_FAILED_TASK,
        queue=names.INVENTORY_FAILED_QUEUE,
    )

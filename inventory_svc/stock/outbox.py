"""What inventory_svc announces, written to the outbox inside the transaction of the change."""

from django.conf import settings

from shared.events import make_envelope, names
from shared.outbox.api import enqueue_kafka, enqueue_redis, enqueue_task

SOURCE = "inventory_svc"


def _envelope(event_type, data, correlation_id=None):
    return make_envelope(event_type, data, source=SOURCE, correlation_id=correlation_id)


def announce(event_type, *, product_id, data, correlation_id=None):
    """An ``inventory.*`` event on Kafka, keyed by product id."""
    enqueue_kafka(
        _envelope(event_type, data, correlation_id), topic=settings.INVENTORY_EVENTS_TOPIC, key=product_id
    )


def announce_order(event_type, *, order_id, data, correlation_id=None):
    """An ``inventory.*`` event about an order (several products); keyed by order id."""
    enqueue_kafka(
        _envelope(event_type, data, correlation_id), topic=settings.INVENTORY_EVENTS_TOPIC, key=order_id
    )


def alert_low_stock(item, correlation_id=None):
    data = {
        "product_id": item.product_id,
        "sku": item.sku,
        "available": item.available,
        "reorder_threshold": item.reorder_threshold,
    }
    enqueue_redis(
        _envelope(names.INVENTORY_LOW_STOCK, data, correlation_id),
        channel=settings.LOW_STOCK_CHANNEL,
        stream=settings.LOW_STOCK_STREAM,
    )
    announce(names.INVENTORY_LOW_STOCK, product_id=item.product_id, data=data, correlation_id=correlation_id)


def reply_reserved(order_id, correlation_id=None):
    enqueue_task(
        _envelope(names.ORDER_INVENTORY_RESERVED_TASK, {"order_id": order_id}, correlation_id),
        task=names.ORDER_INVENTORY_RESERVED_TASK,
        queue=names.INVENTORY_RESERVED_QUEUE,
    )


# The reasons of a "failed" answer (order_svc shows them as the order's failure_reason).
INSUFFICIENT_STOCK = "insufficient stock"
STOCK_RELEASED = "the order's stock was released"


def reply_failed(order_id, shortages, correlation_id=None, reason=INSUFFICIENT_STOCK):
    data = {"order_id": order_id, "reason": reason, "shortages": shortages}
    enqueue_task(
        _envelope(names.ORDER_INVENTORY_FAILED_TASK, data, correlation_id),
        task=names.ORDER_INVENTORY_FAILED_TASK,
        queue=names.INVENTORY_FAILED_QUEUE,
    )

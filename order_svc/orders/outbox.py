"""The messages an order writes into its embedded outbox, in the same single-document write as the change
that causes them; the relay (orders.relay) sends each where its ``topic`` says.

Saga commands (``topic`` = the RabbitMQ queue, ``key`` = the Celery task, data ``{order_id…}``) tell
inventory_svc what to do with the order's stock: reserve it, release it (cancelled or refunded before
shipping), commit it (shipped: the units leave the warehouse) or restock it (refunded after delivery with
the goods back). Inventory applies each once per order id.

Events (``topic`` = the Kafka topic ORDER_EVENTS_TOPIC, ``key`` = the order id, so one order's events stay
in order on one partition) announce every status change, the creation included, to whoever follows orders.
"""

from django.conf import settings

from shared.events import make_envelope, names
from shared.messaging.mongo_outbox import outbox_entry

SOURCE = "order_svc"


def _command(task: str, queue: str, data: dict) -> dict:
    return outbox_entry(make_envelope(task, data, source=SOURCE), topic=queue, key=task)


def reserve_command(order: dict) -> dict:
    items = [{"product_id": line["product_id"], "quantity": line["quantity"]} for line in order["items"]]
    return _command(
        names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE, {"order_id": order["id"], "items": items}
    )


def release_command(order_id: str) -> dict:
    return _command(names.RELEASE_STOCK_TASK, names.INVENTORY_RELEASE_QUEUE, {"order_id": order_id})


def commit_command(order_id: str) -> dict:
    return _command(names.COMMIT_STOCK_TASK, names.INVENTORY_COMMIT_QUEUE, {"order_id": order_id})


def restock_command(order_id: str) -> dict:
    return _command(names.RESTOCK_TASK, names.INVENTORY_RESTOCK_QUEUE, {"order_id": order_id})


def status_event(order: dict, *, status: str, previous: str | None = None, reason: str | None = None) -> dict:
    """``order.status_changed`` for ``order`` (``id, user_id, total, currency, customer_email``) moving
    from ``previous`` (None on creation, when the field is left out) to ``status``."""
    data = {
        "order_id": order["id"],
        "user_id": order["user_id"],
        "status": status,
        "total": order["total"],
        "currency": order["currency"],
    }
    optional = {"previous_status": previous, "reason": reason, "customer_email": order.get("customer_email")}
    data.update({name: value for name, value in optional.items() if value})
    envelope = make_envelope(names.ORDER_STATUS_CHANGED, data, source=SOURCE)
    return outbox_entry(envelope, topic=settings.ORDER_EVENTS_TOPIC, key=order["id"])

"""What order_svc sends, one function per message, each returning an entry of the order's embedded outbox
(shared.messaging.mongo_outbox), written in the same single-document write as the change that causes it;
the relay (orders.relay) sends each where its ``topic`` says.

Saga commands (``topic`` = the RabbitMQ queue, ``key`` = the Celery task, data ``{order_id…}``) tell
inventory_svc what to do with the order's stock: reserve it, release it (cancelled or refunded before
shipping), commit it (shipped: the units leave the warehouse) or restock it (refunded after delivery with
the goods back). Inventory applies each once per order id.

Events (``topic`` = the Kafka topic ORDER_EVENTS_TOPIC, ``key`` = the order id, so one order's events stay
in order on one partition) announce every status change, the creation included, to whoever follows orders.

The envelope's ``correlation_id`` is the request id of the work in progress (shared.correlation): the
HTTP request's, or the one a Celery task adopted from the message it handles.
"""

from shared.events import make_envelope, names
from shared.messaging.mongo_outbox import outbox_entry

SOURCE = "order_svc"

# order_svc's own queue and tasks, which Celery beat sends (config.celery's schedule: the re-drive and the
# payment window). Internal to this service (no other service sends or reads them), so they are declared
# here rather than in shared.events.names. The queue keeps its first name: deploy/Procfile's order-worker
# consumes it.
REDRIVE_QUEUE = "order_redrive"
REDRIVE_TASK = "orders.redrive_pending"
CANCEL_UNPAID_TASK = "orders.cancel_unpaid"


def _command(task: str, queue: str, data: dict) -> dict:
    return outbox_entry(make_envelope(task, data, source=SOURCE), topic=queue, key=task)


def reserve_command(order: dict) -> dict:
    """Reserve the order's lines (``order``: ``id, items``; the lines are merged already)."""
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
    return outbox_entry(envelope, topic=names.ORDER_EVENTS_TOPIC, key=order["id"])

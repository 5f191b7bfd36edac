"""handle_<event>(envelope): what order_svc does with each saga reply. Both are idempotent (the status
change is compare-and-set), so a redelivered or duplicated reply changes nothing. They run under the
reply's correlation id, which the Celery task adopted (shared.celery)."""

from orders import services
from shared.events import Envelope


def handle_inventory_reserved(envelope: Envelope) -> bool:
    return services.order_reserved(order_id=envelope.data["order_id"])


def handle_inventory_failed(envelope: Envelope) -> bool:
    data = envelope.data
    return services.order_reservation_failed(
        order_id=data["order_id"], reason=data["reason"], shortages=data["shortages"]
    )

"""handle_<event>(envelope): what order_svc does with each saga reply. Both are idempotent (the status
change is compare-and-set), so a redelivered or duplicated reply changes nothing."""

from orders import services
from shared.correlation import reset_request_id, set_request_id
from shared.events import Envelope


def handle_inventory_reserved(envelope: Envelope) -> bool:
    token = set_request_id(envelope.correlation_id)
    try:
        return services.order_reserved(order_id=envelope.data["order_id"])
    finally:
        reset_request_id(token)


def handle_inventory_failed(envelope: Envelope) -> bool:
    token = set_request_id(envelope.correlation_id)
    try:
        data = envelope.data
        return services.order_reservation_failed(
            order_id=data["order_id"], reason=data["reason"], shortages=data["shortages"]
        )
    finally:
        reset_request_id(token)

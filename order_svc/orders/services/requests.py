"""What people ask of an order: a status request (staff, the API's ``PUT …/status`` and the console's
buttons) and the cancel (its owner or staff). The stock follows in the same write: a cancel releases the
reservation, shipping commits it (the units leave the warehouse)."""

from orders.errors import StatusSetElsewhere, TransitionNotAllowed
from orders.messages import commit_command, release_command
from orders.services.announce import Change, change
from orders.statuses import CANCELLED, HOLDS_STOCK, PAID_FOR, SET_ELSEWHERE, SHIPPED, TRANSITIONS


def order_set_status(
    *, order_id: str, status: str, reason: str | None = None, actor: str | None = None
) -> dict | None:
    """Move an order to ``status`` at a person's request if its current status allows it (compare-and-set
    under the order's lock); None if it does not exist. ``actor`` (who asked: an email, or a user id when
    the token carried none) goes into the status history with the reason.

    Raise StatusSetElsewhere for a status only the saga, a payment or a refund sets, TransitionNotAllowed
    when the current status does not allow it. A cancel of an order holding stock writes the release (a
    cancel that overtakes the reservation still ends with the stock released: inventory_svc's release
    leaves a marker so the late reserve moves nothing); shipping writes the commit.
    """

    def plan(current):
        if status in SET_ELSEWHERE:
            raise StatusSetElsewhere(status, SET_ELSEWHERE[status])
        if status not in TRANSITIONS.get(current["status"], set()):
            raise TransitionNotAllowed(current["status"], status, _advice(current["status"], status))
        entries = []
        if status == CANCELLED and current["status"] in HOLDS_STOCK:
            entries.append(release_command(order_id))
        if status == SHIPPED:
            entries.append(commit_command(order_id))
        return Change(status=status, reason=reason, outbox=entries)

    order, _ = change(order_id, plan, actor=actor)
    return order


def order_cancel(
    *, order_id: str, reason: str = "cancelled by request", actor: str | None = None
) -> dict | None:
    """Cancel a pending or confirmed order and release its stock; a paid one is refunded instead."""
    return order_set_status(order_id=order_id, status=CANCELLED, reason=reason, actor=actor)


def _advice(current: str, requested: str) -> str | None:
    if requested == CANCELLED and current in PAID_FOR:
        when = " once it is delivered" if current == SHIPPED else ""
        return f"A paid order is not cancelled but refunded{when} (POST /api/v1/orders/{{id}}/refunds)."
    return None

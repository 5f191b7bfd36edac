"""The saga's answers to the reservation (orders.handlers): confirmed or failed. Both are idempotent: the
status change is compare-and-set, so a redelivered or duplicated answer changes nothing."""

from datetime import timedelta

from django.conf import settings

from orders.messages import release_command
from orders.services.announce import Change, change
from orders.statuses import CANCELLED, CONFIRMED, FAILED, PENDING
from shared.mongo import now_ms


def order_reserved(*, order_id: str) -> bool:
    """The saga's "reserved" reply: pending → confirmed, to be paid within ORDER_PAYMENT_WINDOW_MINUTES
    (``payment_due_at``; orders.services.scheduler cancels it after that). For an order that no longer
    holds stock (cancelled, failed by the re-drive) a "reserved" reply means stock may be held for
    nothing, so a release is enqueued (inventory's release is idempotent)."""

    def plan(current):
        if current["status"] == PENDING:
            due = now_ms() + timedelta(minutes=settings.ORDER_PAYMENT_WINDOW_MINUTES)
            return Change(status=CONFIRMED, fields={"payment_due_at": due})
        if current["status"] in {CANCELLED, FAILED}:
            return Change(outbox=[release_command(order_id)])
        return None

    _, changed = change(order_id, plan)
    return changed


def order_reservation_failed(*, order_id: str, reason: str, shortages: list) -> bool:
    """The saga's "failed" reply: pending → failed with the reason and shortages."""

    def plan(current):
        if current["status"] != PENDING:
            return None
        return Change(status=FAILED, reason=reason, fields={"failure_reason": reason, "shortages": shortages})

    _, changed = change(order_id, plan)
    return changed

"""What Celery beat runs (orders.tasks): the saga's safety net and the payment window. Each finds its
orders with one projected scan (orders.repository), then changes each under its lock with the condition
checked again, so a sweep racing a reply, a payment or a person changes nothing wrong."""

from datetime import datetime, timedelta

from django.conf import settings

from orders import repository
from orders.messages import release_command, reserve_command
from orders.services.announce import Change, change
from orders.statuses import CANCELLED, CONFIRMED, FAILED, PENDING
from shared.mongo import now_ms


def orders_redrive() -> dict:
    """Re-drive pending orders with no answer for ORDER_PENDING_TIMEOUT_SECONDS.

    Each stale order gets its reserve command again (inventory answers a known order id with its first
    answer and moves nothing), up to ORDER_MAX_REDRIVES times; after that it is failed and a release is
    sent, which also covers a reservation that was applied but whose answer was lost. An order whose
    command has not even left (the relay or broker is down) is not counted as a re-drive. Return counts.
    """
    timeout = timedelta(seconds=settings.ORDER_PENDING_TIMEOUT_SECONDS)
    cutoff = now_ms() - timeout
    counts = {"redriven": 0, "failed": 0}
    for order_id in repository.stale_pending_ids(driven_before=cutoff):
        outcome = {}

        def plan(current, outcome=outcome):
            if current["status"] != PENDING or current["driven_at"] >= cutoff:
                return None
            moment = now_ms()
            if current.get("outbox_pending"):
                return Change(fields={"driven_at": moment})
            if current.get("redrives", 0) >= settings.ORDER_MAX_REDRIVES:
                outcome["kind"] = "failed"
                reason = "inventory did not answer in time"
                return Change(
                    status=FAILED,
                    reason=reason,
                    fields={"failure_reason": reason},
                    outbox=[release_command(current["id"])],
                )
            outcome["kind"] = "redriven"
            fields = {"driven_at": moment, "redrives": current.get("redrives", 0) + 1}
            return Change(fields=fields, outbox=[reserve_command(current)])

        change(order_id, plan)
        if "kind" in outcome:
            counts[outcome["kind"]] += 1
    return counts


def orders_cancel_unpaid() -> dict:
    """Cancel the confirmed orders not paid by their ``payment_due_at`` and release their stock, so no one
    holds stock without paying for it; the reason names the order's own window ("not paid within 30
    minutes"). Orders confirmed before the window existed (no ``payment_due_at``) are due
    ORDER_PAYMENT_WINDOW_MINUTES after their confirmation. A payment that wins the race for the lock keeps
    its order: the sweep finds it paid. Return ``{"cancelled": n}``."""
    now = now_ms()
    cancelled = 0
    for order_id in repository.overdue_confirmed_ids(due_before=now):

        def plan(current):
            if current["status"] != CONFIRMED:
                return None
            due, minutes = _payment_due(current)
            if due >= now:
                return None
            reason = f"not paid within {minutes} minutes"
            return Change(status=CANCELLED, reason=reason, outbox=[release_command(current["id"])])

        _, changed = change(order_id, plan)
        cancelled += changed
    return {"cancelled": cancelled}


def _payment_due(order: dict) -> tuple[datetime, int]:
    """When a confirmed order's payment is due, and its window in minutes."""
    confirmations = [entry["at"] for entry in order["status_history"] if entry["status"] == CONFIRMED]
    confirmed_at = confirmations[-1] if confirmations else order["updated_at"]
    if order.get("payment_due_at"):
        return order["payment_due_at"], round((order["payment_due_at"] - confirmed_at) / timedelta(minutes=1))
    minutes = settings.ORDER_PAYMENT_WINDOW_MINUTES
    return confirmed_at + timedelta(minutes=minutes), minutes

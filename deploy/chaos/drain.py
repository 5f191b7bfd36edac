"""Waiting, after the load stops, until the platform has settled: no order of the run pending, every
product with its inventory item, every outbox empty, the saga queues empty, the notification listener
caught up and no email still to send.

The conditions must hold on two consecutive looks ``STABLE_S`` apart: RabbitMQ's management API counts
messages on a timer (every 5 s), and a relay may be about to add what the last look missed. An order left
without an answer is re-driven by order-beat only after ORDER_PENDING_TIMEOUT_SECONDS (120 s in the local
stack, whose env this run does not change), so the wait is bounded well above that, and what is still not
settled at the end is reported, not waited on forever.
"""

import logging
import time
from collections.abc import Callable

from stores import Scope, Stores

logger = logging.getLogger("chaos.drain")
STABLE_S = 6.0
POLL_S = 2.0


def conditions(stores: Stores, scope: Scope) -> dict:
    """Name -> a function returning how much is still to do (0 when settled)."""

    def outbox_messages() -> int:
        return sum(depth.stale + depth.ours for depth in stores.outbox_depths(scope).values())

    return {
        "pending orders": lambda: stores.pending_orders(scope.user_ids),
        "products without item": lambda: len(scope.product_ids) - stores.items_of(scope.product_ids),
        "outbox messages (stale or this run's)": outbox_messages,
        "saga queue messages": lambda: sum(
            depth for name, depth in stores.queue_depths().items() if not name.endswith(".dead")
        ),
        "low-stock entries unread": stores.listener_backlog,
        "emails not sent yet": lambda: stores.pending_notifications(scope.sku_prefix),
    }


def wait_until_settled(checks: dict[str, Callable[[], int]], timeout_s: float) -> dict:
    """Poll until every condition is 0 twice in a row ``STABLE_S`` apart, or the timeout.
    Return ``{"settled", "seconds", "left": {name: amount}, "settled_after": {name: seconds}}``."""
    started = time.monotonic()
    settled_after: dict[str, float] = {}
    quiet_since = None
    left: dict[str, int] = {}
    while True:
        left = {}
        for name, remaining in checks.items():
            try:
                amount = remaining()
            except Exception as exc:  # a store still coming back: not settled yet
                logger.info("drain: %s unreadable: %s", name, exc)
                amount = -1
            if amount:
                left[name] = amount
                settled_after.pop(name, None)
            else:
                settled_after.setdefault(name, round(time.monotonic() - started, 1))
        now = time.monotonic()
        if left:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= STABLE_S:
            return {
                "settled": True,
                "seconds": round(now - started, 1),
                "left": {},
                "settled_after": settled_after,
            }
        if now - started > timeout_s:
            return {
                "settled": False,
                "seconds": round(now - started, 1),
                "left": left,
                "settled_after": settled_after,
            }
        if left:
            logger.info("drain: waiting for %s", ", ".join(f"{k} {v}" for k, v in left.items()))
        time.sleep(POLL_S)

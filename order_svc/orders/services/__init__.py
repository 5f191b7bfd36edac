"""Every change to an order, a module per kind of change: placing (``placing``), people's requests
(``requests``: status changes, the cancel), money (``money``: payments, refunds), the saga's answers
(``saga``) and the scheduler's sweeps (``scheduler``).

Each is one single-document write under the order's lock that also carries its outgoing messages (the
embedded outbox, orders.messages): the saga commands that make the stock follow the goods, and the
``order.status_changed`` event of every status change (``announce``), so an order and its messages never
exist without each other; the relay (orders.relay) sends them afterwards. The state machine is
orders.statuses, re-exported here.
"""

from orders.services.money import order_pay, order_refund
from orders.services.placing import order_create
from orders.services.requests import order_cancel, order_set_status
from orders.services.saga import order_reservation_failed, order_reserved
from orders.services.scheduler import orders_cancel_unpaid, orders_redrive
from orders.statuses import (
    CANCELLED,
    CONFIRMED,
    DELIVERED,
    FAILED,
    PAID,
    PENDING,
    PROCESSING,
    REFUNDED,
    REQUESTABLE,
    SAGA_STATUSES,
    SET_ELSEWHERE,
    SHIPPED,
    STATUSES,
    TRANSITIONS,
    requestable_transitions,
)

__all__ = [
    "CANCELLED",
    "CONFIRMED",
    "DELIVERED",
    "FAILED",
    "PAID",
    "PENDING",
    "PROCESSING",
    "REFUNDED",
    "REQUESTABLE",
    "SAGA_STATUSES",
    "SET_ELSEWHERE",
    "SHIPPED",
    "STATUSES",
    "TRANSITIONS",
    "order_cancel",
    "order_create",
    "order_pay",
    "order_refund",
    "order_reservation_failed",
    "order_reserved",
    "order_set_status",
    "orders_cancel_unpaid",
    "orders_redrive",
    "requestable_transitions",
]

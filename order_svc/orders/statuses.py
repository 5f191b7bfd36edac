"""The order's state machine: its statuses, the moves between them, and who makes each move.

    pending ──► confirmed ──► paid ──► processing ──► shipped ──► delivered
       │            │           │           │                         │
       ├► failed    └► cancelled└► refunded ◄┘                        └► refunded
       └► cancelled

``confirmed`` and ``failed`` are the saga's answer (inventory reserved the stock, or could not), ``paid``
is a recorded payment, ``refunded`` a recorded refund: a status request (the API's ``PUT …/status``, the
staff console's buttons) makes only the others. Terminal: ``failed``, ``cancelled``, ``refunded``, and
``delivered`` unless it is refunded.
"""

PENDING, CONFIRMED, FAILED, CANCELLED = "pending", "confirmed", "failed", "cancelled"
PAID, PROCESSING, SHIPPED, DELIVERED, REFUNDED = "paid", "processing", "shipped", "delivered", "refunded"
# In the order of an order's life, so lists and filters read naturally.
STATUSES = (PENDING, CONFIRMED, PAID, PROCESSING, SHIPPED, DELIVERED, FAILED, CANCELLED, REFUNDED)
TRANSITIONS = {
    PENDING: {CONFIRMED, FAILED, CANCELLED},
    CONFIRMED: {PAID, CANCELLED},
    PAID: {PROCESSING, REFUNDED},
    PROCESSING: {SHIPPED, REFUNDED},
    SHIPPED: {DELIVERED},
    DELIVERED: {REFUNDED},
}
# The statuses a status request never sets, and what sets them instead.
SET_ELSEWHERE = {
    CONFIRMED: "inventory's answer to the reservation (the saga)",
    FAILED: "inventory's answer to the reservation (the saga)",
    PAID: "a payment (POST /api/v1/orders/{id}/payments)",
    REFUNDED: "a refund (POST /api/v1/orders/{id}/refunds)",
}
SAGA_STATUSES = frozenset({CONFIRMED, FAILED})
# What a status request may set (the API's status choices, the console's buttons), in the order offered.
REQUESTABLE = (PROCESSING, SHIPPED, DELIVERED, CANCELLED)

# Inventory holds (or is about to hold) the order's stock: a cancel or refund from here releases it.
HOLDS_STOCK = frozenset({PENDING, CONFIRMED, PAID, PROCESSING})
CANCELLABLE = frozenset({PENDING, CONFIRMED})
REFUNDABLE = frozenset({PAID, PROCESSING, DELIVERED})
# Money has changed hands: such an order is refunded, never cancelled.
PAID_FOR = frozenset({PAID, PROCESSING, SHIPPED, DELIVERED})


def requestable_transitions(status: str) -> list[str]:
    """The statuses a person may move an order in ``status`` to with a status request, the cancel last."""
    allowed = TRANSITIONS.get(status, set())
    return [target for target in REQUESTABLE if target in allowed]

"""Every change to an order. Each is one single-document write that also carries the order's outgoing
saga commands (the embedded outbox), so an order and its messages never exist without each other; the
relay (orders.relay) sends them to RabbitMQ afterwards."""

import hashlib
import json
import uuid
from collections import OrderedDict
from datetime import timedelta

from django.conf import settings

from orders import dependencies, repository
from orders.errors import IdempotencyKeyReused, InactiveUser, InvalidOrder, TransitionNotAllowed
from shared.events import make_envelope, names
from shared.messaging.mongo_outbox import outbox_entry
from shared.mongo import cents, now_ms

SOURCE = "order_svc"
PENDING, CONFIRMED, FAILED, CANCELLED, SHIPPED, DELIVERED = (
    "pending", "confirmed", "failed", "cancelled", "shipped", "delivered",
)  # fmt: skip
STATUSES = (PENDING, CONFIRMED, FAILED, CANCELLED, SHIPPED, DELIVERED)
TRANSITIONS = {
    PENDING: {CONFIRMED, FAILED, CANCELLED},
    CONFIRMED: {SHIPPED, CANCELLED},
    SHIPPED: {DELIVERED},
}
# Set only by the saga's answer (orders.handlers, and the re-drive's give-up): a person never takes an
# order there. The staff console never offers them; issue 16 tightens the API the same way.
SAGA_STATUSES = frozenset({CONFIRMED, FAILED})
MAX_QUANTITY = 1000
# Statuses in which inventory may hold (or be about to hold) stock for the order.
_HOLDS_STOCK = {PENDING, CONFIRMED}


def _command(task: str, queue: str, data: dict) -> dict:
    """A saga command as an outbox entry: ``topic`` is the RabbitMQ queue, ``key`` the Celery task."""
    return outbox_entry(make_envelope(task, data, source=SOURCE), topic=queue, key=task)


def reserve_command(order: dict) -> dict:
    items = [{"product_id": line["product_id"], "quantity": line["quantity"]} for line in order["items"]]
    return _command(
        names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE, {"order_id": order["id"], "items": items}
    )


def release_command(order_id: str) -> dict:
    return _command(names.RELEASE_STOCK_TASK, names.INVENTORY_RELEASE_QUEUE, {"order_id": order_id})


def merge_lines(items) -> "OrderedDict[str, int]":
    """Duplicate product lines become one, quantities summed (first appearance keeps its place)."""
    merged: OrderedDict[str, int] = OrderedDict()
    for line in items:
        merged[line["product_id"]] = merged.get(line["product_id"], 0) + line["quantity"]
    too_many = [product_id for product_id, quantity in merged.items() if quantity > MAX_QUANTITY]
    if too_many:
        raise InvalidOrder({"items": [f"At most {MAX_QUANTITY} of product {too_many[0]} per order."]})
    return merged


def _fingerprint(lines, shipping_address_id) -> str:
    canonical = json.dumps([sorted(lines.items()), shipping_address_id or ""], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def staff_transitions(status: str) -> list[str]:
    """The statuses a person may move an order in ``status`` to (TRANSITIONS less the saga's), the
    cancel last."""
    allowed = TRANSITIONS.get(status, set()) - SAGA_STATUSES
    return sorted(allowed, key=lambda target: (target == CANCELLED, STATUSES.index(target)))


def order_create(
    *,
    user_id: str,
    user_token: str,
    items: list[dict],
    shipping_address_id=None,
    idempotency_key=None,
    customer_email: str | None = None,
) -> tuple[dict, bool]:
    """Create a pending order with its reserve command; return ``(order, created)``. ``customer_email``
    (the caller's, from the access token) is kept on the order so staff can find it by email.

    With an ``idempotency_key`` already used by this user for the same request, return the first order
    and ``created=False`` without calling anyone; for another request, raise IdempotencyKeyReused.
    Raise InactiveUser, InvalidOrder, or shared.http.DependencyUnavailable.
    """
    lines = merge_lines(items)
    fingerprint = _fingerprint(lines, shipping_address_id)
    idempotency = f"{user_id}:{idempotency_key}" if idempotency_key else None
    order_id = _order_id(idempotency)
    if idempotency:
        existing = repository.get(order_id)
        if existing is not None:
            return _replayed(existing, fingerprint), False

    verdict = dependencies.user_verify(user_id)
    if not (verdict.get("exists") and verdict.get("is_active")):
        raise InactiveUser()
    products = dependencies.products_get(list(lines))
    _check_products(lines, products)
    currencies = {products[product_id]["currency"] for product_id in lines}
    if len(currencies) > 1:
        raise InvalidOrder({"items": ["All products of an order must be priced in one currency."]})
    address = None
    if shipping_address_id:
        address = dependencies.address_get(str(shipping_address_id), user_token=user_token)
        if address is None:
            raise InvalidOrder({"shipping_address_id": ["No such address of yours."]})

    moment = now_ms()
    order_lines = []
    for product_id, quantity in lines.items():
        product = products[product_id]
        unit_cents = cents(product["price"])
        order_lines.append(
            {
                "product_id": product_id,
                "sku": product["sku"],
                "name": product["name"],
                "unit_price_cents": unit_cents,
                "quantity": quantity,
                "line_total_cents": unit_cents * quantity,
            }
        )
    document = {
        "_id": order_id,
        "user_id": user_id,
        "customer_email": customer_email or None,
        "status": PENDING,
        "items": order_lines,
        "total_cents": sum(line["line_total_cents"] for line in order_lines),
        "currency": currencies.pop(),
        "shipping_address": _address_snapshot(address),
        "failure_reason": None,
        "shortages": [],
        "status_history": [
            {"status": PENDING, "at": moment, "reason": None, "actor": customer_email or user_id}
        ],
        "idempotency": idempotency or order_id,
        "fingerprint": fingerprint,
        "redrives": 0,
        "driven_at": moment,
        "created_at": moment,
        "updated_at": moment,
    }
    command = reserve_command({"id": order_id, "items": order_lines})
    try:
        return repository.insert(document, outbox_entries=[command]), True
    except repository.IdempotencyKeyTaken as taken:  # a concurrent retry stored it first
        return _replayed(taken.existing, fingerprint), False


# Names the order ids derived from idempotency keys (any fixed UUID would do; this one must never change).
_IDEMPOTENT_ORDERS = uuid.UUID("6f1c2a54-3d0e-4f8b-9a57-0c1d2e3f4a5b")


def _order_id(idempotency: str | None) -> str:
    """The id of a new order: derived from its user's idempotency key when it has one, so a retry finds
    the first order by ``_id`` (the only lookup FerretDB does without reading every order), else random."""
    return str(uuid.uuid5(_IDEMPOTENT_ORDERS, idempotency) if idempotency else uuid.uuid4())


def _replayed(existing: dict, fingerprint: str) -> dict:
    if existing.get("fingerprint") != fingerprint:
        raise IdempotencyKeyReused()
    return existing


def _check_products(lines, products):
    unknown = [product_id for product_id in lines if product_id not in products]
    if unknown:
        raise InvalidOrder({"items": [f"Unknown product: {', '.join(unknown)}."]})
    inactive = [product_id for product_id in lines if not products[product_id].get("is_active", True)]
    if inactive:
        raise InvalidOrder({"items": [f"Product not available: {', '.join(inactive)}."]})


def _address_snapshot(address):
    if address is None:
        return None
    fields = ("id", "label", "line1", "line2", "city", "postal_code", "country")
    return {field: address.get(field) for field in fields}


def order_set_status(
    *, order_id: str, status: str, reason: str | None = None, actor: str | None = None
) -> dict | None:
    """Move an order to ``status`` if its current status allows it (compare-and-set); None if it does not
    exist. Raise TransitionNotAllowed otherwise. ``actor`` (who asked: an email, or a user id when the
    token carried none) goes into the status history with the reason. Leaving a stock-holding status for
    cancelled or failed also enqueues the release, in the same write: a cancel that overtakes the
    reservation still ends with the stock released (inventory_svc's release leaves a marker so the late
    reserve moves nothing)."""

    def plan(current):
        if status not in TRANSITIONS.get(current["status"], set()):
            raise TransitionNotAllowed(current["status"], status)
        entries = []
        if status in {CANCELLED, FAILED} and current["status"] in _HOLDS_STOCK:
            entries.append(release_command(order_id))
        fields = {"failure_reason": reason} if status == FAILED else {}
        return status, reason, fields, entries

    order, _ = repository.change(order_id, plan, actor=actor)
    return order


def order_cancel(
    *, order_id: str, reason: str = "cancelled by request", actor: str | None = None
) -> dict | None:
    return order_set_status(order_id=order_id, status=CANCELLED, reason=reason, actor=actor)


def order_reserved(*, order_id: str) -> bool:
    """The saga's "reserved" reply: pending → confirmed. Idempotent: a repeated reply changes nothing.
    For an order that no longer holds stock (cancelled, failed by the re-drive) a "reserved" reply means
    stock may be held for nothing, so a release is enqueued (inventory's release is idempotent)."""

    def plan(current):
        if current["status"] == PENDING:
            return CONFIRMED, None, {}, []
        if current["status"] in {CANCELLED, FAILED}:
            return None, None, {}, [release_command(order_id)]
        return None

    _, changed = repository.change(order_id, plan)
    return changed


def order_reservation_failed(*, order_id: str, reason: str, shortages: list) -> bool:
    """The saga's "failed" reply: pending → failed with the reason and shortages. Idempotent."""

    def plan(current):
        if current["status"] != PENDING:
            return None
        return FAILED, reason, {"failure_reason": reason, "shortages": shortages}, []

    _, changed = repository.change(order_id, plan)
    return changed


def orders_redrive() -> dict:
    """Re-drive pending orders with no answer for ORDER_PENDING_TIMEOUT_SECONDS (run by Celery beat).

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
                return None, None, {"driven_at": moment}, []
            if current.get("redrives", 0) >= settings.ORDER_MAX_REDRIVES:
                outcome["kind"] = "failed"
                reason = "inventory did not answer in time"
                return FAILED, reason, {"failure_reason": reason}, [release_command(current["id"])]
            outcome["kind"] = "redriven"
            fields = {"driven_at": moment, "redrives": current.get("redrives", 0) + 1}
            return None, None, fields, [reserve_command(current)]

        repository.change(order_id, plan)
        if "kind" in outcome:
            counts[outcome["kind"]] += 1
    return counts

"""Placing an order: the pending order, its reserve command and its first event in one insert."""

import hashlib
import json
import uuid

from orders import dependencies, repository
from orders.errors import IdempotencyKeyReused, InactiveUser, InvalidOrder
from orders.messages import reserve_command, status_event
from orders.statuses import PENDING
from shared.events.order_lines import MAX_QUANTITY, merge_lines, over_limit
from shared.mongo import cents, from_cents, now_ms

# An order's shipping address: the fields of user_svc's addresses (and their shared.postal rules).
ADDRESS_FIELDS = ("label", "line1", "line2", "city", "region", "postal_code", "country", "phone")
BOTH_ADDRESSES = (
    "Give shipping_address_id (a saved address) or shipping_address (the address itself), not both."
)


def _merged(items) -> dict[str, int]:
    """The order's lines merged (shared.events.order_lines); InvalidOrder when a product's sum is over."""
    merged = merge_lines(items)
    too_many = over_limit(merged)
    if too_many:
        raise InvalidOrder({"items": [f"At most {MAX_QUANTITY} of product {too_many[0]} per order."]})
    return merged


def _fingerprint(lines, shipping) -> str:
    """What makes two requests "the same" for an Idempotency-Key: the merged lines and the address (an id
    or the inline address)."""
    canonical = json.dumps([sorted(lines.items()), shipping or ""], separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def order_create(
    *,
    user_id: str,
    user_token: str,
    items: list[dict],
    shipping_address_id=None,
    shipping_address: dict | None = None,
    idempotency_key=None,
    customer_email: str | None = None,
) -> tuple[dict, bool]:
    """Create a pending order with its reserve command; return ``(order, created)``. ``customer_email``
    (the caller's, from the access token) is kept on the order so staff can find it by email.

    The shipping address is one of the caller's saved addresses (``shipping_address_id``, read from
    user_svc with the caller's token) or ``shipping_address``, the address itself, already checked by
    the API (shared.postal's rules); giving both is refused (InvalidOrder), neither leaves it null.
    Either way the order keeps a snapshot, so a later change of the saved address does not move it.

    With an ``idempotency_key`` already used by this user for the same request, return the first order
    and ``created=False`` without calling anyone; for another request, raise IdempotencyKeyReused.
    Raise InactiveUser, InvalidOrder, or shared.http.DependencyUnavailable.
    """
    if shipping_address_id and shipping_address:
        raise InvalidOrder({"shipping_address": [BOTH_ADDRESSES]})
    lines = _merged(items)
    inline = _address_snapshot(shipping_address) if shipping_address else None
    fingerprint = _fingerprint(lines, shipping_address_id or inline)
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
    snapshot = inline
    if shipping_address_id:
        address = dependencies.address_get(str(shipping_address_id), user_token=user_token)
        if address is None:
            raise InvalidOrder({"shipping_address_id": ["No such address of yours."]})
        snapshot = _address_snapshot(address, address_id=address.get("id"))

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
        "shipping_address": snapshot,
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
    announced = {**document, "id": order_id, "total": from_cents(document["total_cents"])}
    entries = [
        reserve_command({"id": order_id, "items": order_lines}),
        status_event(announced, status=PENDING),
    ]
    try:
        return repository.insert(document, outbox_entries=entries), True
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


def _address_snapshot(address: dict, *, address_id=None) -> dict:
    """The order's copy of an address: ``id`` (the saved address's; None for an inline one) and the
    ADDRESS_FIELDS, blank where absent."""
    return {"id": address_id, **{field: address.get(field) or "" for field in ADDRESS_FIELDS}}

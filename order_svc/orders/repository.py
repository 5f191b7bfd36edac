"""Orders in MongoDB: the only code that knows the collection and its field names.

Document: ``_id`` (uuid string), ``user_id``, ``customer_email`` (the customer's email when the order was
placed, from the access token; absent on older orders, read as None), ``status``, ``items`` (``product_id,
sku, name, unit_price_cents, quantity, line_total_cents``), ``total_cents``, ``currency``,
``shipping_address``, ``failure_reason``, ``shortages``, ``status_history`` (``status, at, reason, actor``:
who asked for the change, None for the saga, absent on older entries), ``idempotency`` (unique:
``<user_id>:<Idempotency-Key>``, or the order id when no key was given, so the unique index never meets a
null), ``fingerprint`` (of the request, to spot a key reused for another request), ``redrives`` and
``driven_at`` (the reservation re-drive, see services.orders_redrive), ``payment_due_at`` (set when the
order is confirmed: unpaid by then, it is cancelled), ``payments`` (``reference, amount_cents, currency,
method, at, actor``), ``refunds`` (``amount_cents, reason, restock, at, actor``), ``created_at``,
``updated_at``, and the embedded outbox (shared.messaging.mongo_outbox). Older orders lack the last
fields of that list; they read as None or empty.

Money is integer cents (exact). Only plain operators, no transactions: MongoDB 7 and FerretDB 1.24 alike.
Every status change is compare-and-set on the current status *under the document's lock*: FerretDB 1.24
applies an update as an unlocked read-modify-write, so a conditional ``update_one`` alone is not atomic
there; the lock (shared.mongo.document_lock, also taken by the relay) makes read-check-write one step.
Writes address a document by ``_id`` alone: FerretDB pushes only an ``_id`` filter down to its storage
and reads every document of the collection for any other (measured with 800 orders: 12 ms against 140 ms
when the status was part of the filter). Lists (``find``: the API's filters, the staff console's search
and dates) are such scans, fine for a page a person asks for.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from shared.messaging.mongo_outbox import OUTBOX_FIELD, PENDING_FIELD, EmbeddedOutbox, hint
from shared.mongo import document_lock, ensure_indexes_once, from_cents, get_database, now_ms

COLLECTION = "orders"
_PROJECTION = {OUTBOX_FIELD: 0}  # outbox_pending stays: the re-drive reads it
NEWEST_FIRST, OLDEST_FIRST = "newest", "oldest"
_ORDERINGS = {
    NEWEST_FIRST: [("created_at", DESCENDING), ("_id", ASCENDING)],
    OLDEST_FIRST: [("created_at", ASCENDING), ("_id", ASCENDING)],
}


@dataclass(frozen=True)
class Change:
    """What a ``change`` plan decided: a new ``status`` (None keeps it) with its ``reason``, ``fields`` to
    set, entries to ``push`` onto list fields (``{field: [entries]}``) and ``outbox`` entries."""

    status: str | None = None
    reason: str | None = None
    fields: dict = field(default_factory=dict)
    push: dict = field(default_factory=dict)
    outbox: list = field(default_factory=list)


class IdempotencyKeyTaken(Exception):
    """An order with this idempotency key exists already (``existing`` is it)."""

    def __init__(self, existing: dict):
        super().__init__(existing["id"])
        self.existing = existing


def collection():
    database = get_database()
    ensure_indexes_once(database, COLLECTION, _create_indexes)
    return database[COLLECTION]


def lock_key(order_id: str) -> str:
    return f"order:{order_id}"


def outbox() -> EmbeddedOutbox:
    return EmbeddedOutbox(collection(), lock_key=lock_key)


def insert(document: dict, *, outbox_entries: list[dict]) -> dict:
    """Store a new order with its outgoing messages in one single-document write.
    Raise IdempotencyKeyTaken when its idempotency key was used before."""
    stored = {**document, OUTBOX_FIELD: outbox_entries, PENDING_FIELD: bool(outbox_entries)}
    try:
        collection().insert_one(stored)
    except DuplicateKeyError:
        # The id derives from the key (orders.services), so a racing retry took the same _id; the unique
        # index on the key itself also catches an order stored before ids were derived.
        existing = get(document["_id"]) or find_by_idempotency(document["idempotency"])
        if existing is None:  # pragma: no cover - _id and the key are the only unique fields
            raise
        raise IdempotencyKeyTaken(existing) from None
    if outbox_entries:
        hint(collection(), document["_id"])
    return _from_document(stored)


def find_by_idempotency(idempotency: str) -> dict | None:
    document = collection().find_one({"idempotency": idempotency}, _PROJECTION)
    return _from_document(document) if document else None


def get(order_id: str) -> dict | None:
    document = collection().find_one({"_id": order_id}, _PROJECTION)
    return _from_document(document) if document else None


def find(
    *,
    user_id=None,
    status=None,
    search=None,
    created_from: datetime | None = None,
    created_before: datetime | None = None,
    ordering=NEWEST_FIRST,
    offset=0,
    limit=20,
) -> tuple[int, list[dict]]:
    """A page of orders and how many match. ``search`` matches the start of the order id or any part of
    the customer's email, ignoring case; ``created_from`` is inclusive, ``created_before`` exclusive."""
    query: dict = {}
    if user_id is not None:
        query["user_id"] = user_id
    if status is not None:
        query["status"] = status
    if search:
        # User text is escaped: it is matched literally, never run as a pattern.
        pattern = re.escape(search)
        query["$or"] = [
            {"_id": {"$regex": f"^{pattern}", "$options": "i"}},
            {"customer_email": {"$regex": pattern, "$options": "i"}},
        ]
    created = {}
    if created_from is not None:
        created["$gte"] = created_from
    if created_before is not None:
        created["$lt"] = created_before
    if created:
        query["created_at"] = created
    orders = collection()
    total = orders.count_documents(query)
    cursor = orders.find(query, _PROJECTION).sort(_ORDERINGS[ordering]).skip(offset).limit(limit)
    return total, [_from_document(document) for document in cursor]


def stale_pending_ids(*, driven_before: datetime, limit: int = 500) -> list[str]:
    cursor = (
        collection().find({"status": "pending", "driven_at": {"$lt": driven_before}}, {"_id": 1}).limit(limit)
    )
    return [document["_id"] for document in cursor]


def overdue_confirmed_ids(*, due_before: datetime, limit: int = 500) -> list[str]:
    """Ids of confirmed orders whose payment was due before ``due_before``, and of confirmed orders from
    before the payment window (no ``payment_due_at``; the caller decides from their history). One
    projected scan, as for the re-drive: the scheduler asks, a person never waits for it."""
    overdue = [{"payment_due_at": {"$lt": due_before}}, {"payment_due_at": None}]
    cursor = collection().find({"status": "confirmed", "$or": overdue}, {"_id": 1}).limit(limit)
    return [document["_id"] for document in cursor]


def change(order_id: str, plan, *, actor: str | None = None) -> tuple[dict | None, bool]:
    """Change an order under its lock: ``plan(current)`` sees the order as it is now and returns None (no
    change) or a ``Change``.

    A new status is written with the current one as the condition (compare-and-set) and appended to
    ``status_history`` with ``actor`` (who asked for it; None for the saga and the scheduler); pushed
    entries and outbox entries are part of the same single-document write. Return ``(order, changed)``;
    the order is None when it does not exist.
    """
    with document_lock(lock_key(order_id)):
        current = collection().find_one({"_id": order_id}, _PROJECTION)
        if current is None:
            return None, False
        decision = plan(_from_document(current))
        if decision is None:
            return _from_document(current), False
        moment = now_ms()
        sets = {**decision.fields, "updated_at": moment}
        pushes = {name: list(entries) for name, entries in decision.push.items()}
        if decision.status is not None:
            sets["status"] = decision.status
            entry = {"status": decision.status, "at": moment, "reason": decision.reason, "actor": actor}
            pushes["status_history"] = [entry]
        if decision.outbox:
            pushes[OUTBOX_FIELD] = decision.outbox
            sets[PENDING_FIELD] = True
        update = {"$set": sets}
        if pushes:
            update["$push"] = {name: {"$each": entries} for name, entries in pushes.items()}
        result = collection().update_one({"_id": order_id}, update)
        if result.matched_count != 1:  # pragma: no cover - impossible while every writer holds the lock
            return _from_document(current), False
        if decision.outbox:
            hint(collection(), order_id)
    # The document as written, without reading it back (the outbox is not part of what we return).
    document = {**current, **sets}
    for name, entries in pushes.items():
        if name != OUTBOX_FIELD:
            document[name] = [*current.get(name, []), *entries]
    return _from_document(document), True


def _from_document(document: dict) -> dict:
    order = {
        key: value
        for key, value in document.items()
        if key not in {"_id", "total_cents", "items", "idempotency", "fingerprint", "payments", "refunds"}
    }
    order["id"] = document["_id"]
    order.setdefault("customer_email", None)
    order.setdefault("payment_due_at", None)
    order["total"] = from_cents(document["total_cents"])
    order["payments"] = [
        {**_without(payment, "amount_cents"), "amount": from_cents(payment["amount_cents"])}
        for payment in document.get("payments", [])
    ]
    order["amount_paid"] = from_cents(
        sum(payment["amount_cents"] for payment in document.get("payments", []))
    )
    order["refunds"] = [
        {**_without(refund, "amount_cents"), "amount": from_cents(refund["amount_cents"])}
        for refund in document.get("refunds", [])
    ]
    order["items"] = [
        {
            "product_id": line["product_id"],
            "sku": line["sku"],
            "name": line["name"],
            "unit_price": from_cents(line["unit_price_cents"]),
            "quantity": line["quantity"],
            "line_total": from_cents(line["line_total_cents"]),
        }
        for line in document["items"]
    ]
    order["fingerprint"] = document.get("fingerprint")
    # ``<user_id>:<Idempotency-Key>``, or the order's own id when the request carried no key.
    idempotency = document.get("idempotency")
    order["idempotency_key"] = (
        idempotency.partition(":")[2] if idempotency and idempotency != document["_id"] else None
    )
    return order


def _without(entry: dict, key: str) -> dict:
    return {name: value for name, value in entry.items() if name != key}


def _create_indexes(orders):
    orders.create_index("idempotency", unique=True, name="idempotency_unique")
    orders.create_index([("user_id", ASCENDING), ("created_at", DESCENDING)], name="user_created")
    orders.create_index("created_at", name="created_at")
    orders.create_index("status", name="status")
    orders.create_index(PENDING_FIELD, name="outbox_pending")

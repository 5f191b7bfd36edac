"""The product catalog in MongoDB: the only code that knows the collection and its field names.

Documents: ``_id`` (uuid string), ``sku`` (unique), ``name``, ``description``, ``category``,
``price_cents`` (integer: exact money, and plain range queries on every server), ``currency``,
``attributes``, ``is_active``, ``is_deleted``, ``created_at``, ``updated_at``, and the embedded outbox.
Deleting marks the document; the relay removes it once its ``product.deleted`` event is out.
Only plain query operators are used (no ``$expr``, no transactions), so MongoDB 7 and FerretDB 1.24
behave alike. One product is looked up by ``_id`` alone and its flags are checked here: FerretDB pushes
only an ``_id`` filter down to its storage and reads every document for any other.
"""

import re
import uuid

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError, OperationFailure

from shared.messaging.mongo_outbox import OUTBOX_FIELD, PENDING_FIELD, EmbeddedOutbox, hint, outbox_update
from shared.mongo import cents, document_lock, ensure_indexes_once, from_cents, get_database, now_ms

COLLECTION = "products"
ORDERINGS = {
    "price": [("price_cents", ASCENDING), ("_id", ASCENDING)],
    "-price": [("price_cents", DESCENDING), ("_id", ASCENDING)],
    "name": [("name", ASCENDING), ("_id", ASCENDING)],
    "-created_at": [("created_at", DESCENDING), ("_id", ASCENDING)],
}
DEFAULT_ORDERING = "-created_at"
# What ``search`` matches: the catalog's shoppers search names and descriptions; staff also look up skus.
SEARCH_FIELDS = ("name", "description")
SEARCHABLE_FIELDS = frozenset({"name", "description", "sku"})
_PROJECTION = {OUTBOX_FIELD: 0, PENDING_FIELD: 0}


class SkuTaken(Exception):
    """Another product has this sku."""

    message = "A product with this sku already exists."


def collection():
    database = get_database()
    ensure_indexes_once(database, COLLECTION, _create_indexes)
    return database[COLLECTION]


def lock_key(product_id: str) -> str:
    return f"product:{product_id}"


def outbox() -> EmbeddedOutbox:
    return EmbeddedOutbox(collection(), lock_key=lock_key, purge_filter={"is_deleted": True})


def _is_duplicate(exc: OperationFailure) -> bool:
    # MongoDB says 11000; FerretDB 1.24 says so for inserts but reports an update's unique violation as
    # an InternalError from its SQLite backend.
    return exc.code == 11000 or "UNIQUE constraint failed" in str(exc)


def insert(*, fields: dict, outbox_entries: list[dict]) -> dict:
    now = now_ms()
    document = {
        "_id": fields.pop("id", None) or str(uuid.uuid4()),
        **_to_document(fields),
        "is_deleted": False,
        "created_at": now,
        "updated_at": now,
        OUTBOX_FIELD: outbox_entries,
        PENDING_FIELD: bool(outbox_entries),
    }
    try:
        collection().insert_one(document)
    except DuplicateKeyError:
        raise SkuTaken() from None
    if outbox_entries:
        hint(collection(), document["_id"])
    return _from_document(document)


def get(product_id: str, *, include_inactive: bool) -> dict | None:
    document = collection().find_one({"_id": product_id}, _PROJECTION)
    return _from_document(document) if _visible(document, include_inactive) else None


def _visible(document: dict | None, include_inactive: bool) -> bool:
    if document is None or document.get("is_deleted"):
        return False
    return include_inactive or bool(document.get("is_active"))


def find(
    *,
    include_inactive: bool,
    category=None,
    min_price=None,
    max_price=None,
    search=None,
    search_fields=SEARCH_FIELDS,
    is_active=None,
    ids=None,
    ordering=DEFAULT_ORDERING,
    offset=0,
    limit=20,
) -> tuple[int, list[dict]]:
    """``search`` matches ``search_fields`` (some of SEARCHABLE_FIELDS); ``is_active`` (with
    ``include_inactive`` only) keeps the active or the inactive products."""
    if is_active is not None and not include_inactive:
        raise ValueError("is_active filters only a list that includes inactive products")
    query: dict = {"is_deleted": False}
    if not include_inactive:
        query["is_active"] = True
    elif is_active is not None:
        query["is_active"] = bool(is_active)
    if category:
        query["category"] = category
    price = {}
    if min_price is not None:
        price["$gte"] = cents(min_price)
    if max_price is not None:
        price["$lte"] = cents(max_price)
    if price:
        query["price_cents"] = price
    if search:
        # User text is escaped: it is matched literally, never run as a pattern.
        pattern = {"$regex": re.escape(search), "$options": "i"}
        if not search_fields or not SEARCHABLE_FIELDS.issuperset(search_fields):
            raise ValueError(f"search_fields: some of {sorted(SEARCHABLE_FIELDS)}")
        query["$or"] = [{name: pattern} for name in search_fields]
    if ids is not None:
        query["_id"] = {"$in": list(ids)}
    products = collection()
    total = products.count_documents(query)
    cursor = products.find(query, _PROJECTION).sort(ORDERINGS[ordering]).skip(offset).limit(limit)
    return total, [_from_document(document) for document in cursor]


def categories() -> list[str]:
    """The categories of the products not deleted (inactive ones too), sorted."""
    return sorted(collection().distinct("category", {"is_deleted": False}))


def update(product_id: str, plan) -> dict | None:
    """Change a product under its lock: ``plan(current) -> (changes, outbox_entries)`` sees the product
    as it is now, so the events describe exactly what this write changed. None if the product is gone."""
    with document_lock(lock_key(product_id)):
        current = collection().find_one({"_id": product_id}, _PROJECTION)
        if not _visible(current, include_inactive=True):
            return None
        changes, outbox_entries = plan(_from_document(current))
        if not changes:
            return _from_document(current)
        update_ops = outbox_update(outbox_entries) if outbox_entries else {"$set": {}}
        update_ops["$set"].update({**_to_document(changes), "updated_at": now_ms()})
        try:
            collection().update_one({"_id": product_id}, update_ops)
        except OperationFailure as exc:
            if _is_duplicate(exc):
                raise SkuTaken() from None
            raise
        if outbox_entries:
            hint(collection(), product_id)
        document = collection().find_one({"_id": product_id}, _PROJECTION)
    return _from_document(document)


def mark_deleted(product_id: str, *, outbox_entries: list[dict]) -> bool:
    update_ops = outbox_update(outbox_entries)
    update_ops["$set"].update({"is_deleted": True, "is_active": False, "updated_at": now_ms()})
    with document_lock(lock_key(product_id)):
        current = collection().find_one({"_id": product_id}, {"is_deleted": 1})
        if not _visible(current, include_inactive=True):
            return False
        collection().update_one({"_id": product_id}, update_ops)
        hint(collection(), product_id)
    return True


def _to_document(fields: dict) -> dict:
    document = dict(fields)
    if "price" in document:
        document["price_cents"] = cents(document.pop("price"))
    return document


def _from_document(document: dict) -> dict:
    product = {key: value for key, value in document.items() if key not in {"_id", "price_cents"}}
    product["id"] = document["_id"]
    product["price"] = from_cents(document["price_cents"])
    return product


def _create_indexes(products):
    products.create_index("sku", unique=True, name="sku_unique")
    products.create_index("category", name="category")
    products.create_index("price_cents", name="price")
    products.create_index("created_at", name="created_at")
    products.create_index(PENDING_FIELD, name="outbox_pending")

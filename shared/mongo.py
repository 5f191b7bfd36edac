"""The process's MongoDB client and the service's database (pymongo 4).

Repositories call ``get_database()``; nothing else opens Mongo connections. The client is made lazily
and per process, because pymongo clients must not cross a fork (gunicorn and Celery prefork).
"""

import os
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from pymongo import MongoClient
from pymongo.errors import DuplicateKeyError

_lock = threading.Lock()
_state = {"pid": None, "client": None}


def get_client() -> MongoClient:
    with _lock:
        if _state["pid"] != os.getpid():
            _state["client"] = MongoClient(
                settings.MONGO_URL,
                serverSelectionTimeoutMS=3000,
                connectTimeoutMS=3000,
                tz_aware=True,
                appname=f"{settings.SERVICE_NAME}_svc",
            )
            _state["pid"] = os.getpid()
        return _state["client"]


def get_database():
    return get_client()[settings.MONGO_DB]


class DocumentLocked(RuntimeError):
    """Another writer holds the document's lock for longer than we were willing to wait."""


LOCKS_COLLECTION = "locks"


@contextmanager
def document_lock(key: str, *, ttl_seconds: float = 30.0, wait_seconds: float = 5.0):
    """Hold an exclusive lock named ``key`` across processes, stored in the service's database.

    Why: a read-modify-write update is not atomic on FerretDB 1.x (two concurrent ``$push`` to one
    document can lose one), so every writer of a document that carries an outbox takes its lock. An
    insert with a unique ``_id`` is atomic on every server, which is what the lock rests on. A holder
    that dies leaves a lock that expires after ``ttl_seconds``.
    """
    locks = get_database()[LOCKS_COLLECTION]
    token = uuid.uuid4().hex
    deadline = time.monotonic() + wait_seconds
    pause = 0.005
    while True:
        now = datetime.now(UTC)
        try:
            locks.insert_one({"_id": key, "token": token, "expires_at": now + timedelta(seconds=ttl_seconds)})
            break
        except DuplicateKeyError:
            locks.delete_one({"_id": key, "expires_at": {"$lt": now}})
            if time.monotonic() >= deadline:
                raise DocumentLocked(key) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
    try:
        yield
    finally:
        locks.delete_one({"_id": key, "token": token})


def now_ms() -> datetime:
    """Now in UTC, to the millisecond: what a BSON date keeps, so a stored time reads back unchanged."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def cents(amount) -> int:
    """A decimal amount of money as integer cents (exact, and plain range queries on every server)."""
    return int((Decimal(amount) * 100).to_integral_value())


def from_cents(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


_ensured: set[tuple[str, str]] = set()
_ensure_lock = threading.Lock()


def ensure_indexes_once(database, collection_name: str, create) -> None:
    """Call ``create(collection)`` once per process and database (create_index is idempotent, but a
    round trip per request is not free)."""
    key = (database.name, collection_name)
    if key in _ensured:
        return
    with _ensure_lock:
        if key not in _ensured:
            create(database[collection_name])
            _ensured.add(key)

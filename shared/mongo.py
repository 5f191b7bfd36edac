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

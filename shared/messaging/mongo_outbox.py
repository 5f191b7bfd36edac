"""An outbox kept inside the MongoDB document it belongs to, for services without multi-document
transactions: the change and its messages are one single-document write, so neither exists without
the other.

Document fields: ``outbox`` (list of ``{event_id, topic, key, value}``, oldest first) and
``outbox_pending`` (true while the list is not empty; indexed, so the relay finds work cheaply on
MongoDB).

Hints: after a write that adds messages, the writer also records the document's id in a small side
collection (``<collection>_outbox_hints``), and the relay reads pending documents through it, each by
``_id``. Why: FerretDB (the local stack's MongoDB) pushes only an ``_id`` filter down to its storage and
reads every document of the collection for any other, so the plain ``outbox_pending`` query costs a
pass over all orders on every poll (with 800 orders, 240 ms of FerretDB CPU, five times a second while
idle). A hint is only a shortcut, never the record: it is written after the document, so a crash in
between loses the hint and not the message, which the relay's full ``outbox_pending`` scan (on start and
every ``full_scan_seconds``) still finds.

Waking the relay: after the hint, the writer rings the collection's doorbell (``doorbell_of``, a Redis
channel: shared.messaging.doorbell), and the relay looks at the hints at once.

Several relays: ``claim`` hands a batch only to the relay holding the collection's lease, taken without
waiting for the length of one batch.
"""

import logging
import time
from contextlib import ExitStack, contextmanager
from functools import cache

from pymongo.errors import DuplicateKeyError, PyMongoError

from shared.events import Envelope
from shared.messaging.doorbell import RedisDoorbell
from shared.messaging.publishers import Outgoing, kind_of
from shared.mongo import DocumentLocked, document_lock

logger = logging.getLogger("shared.mongo_outbox")

OUTBOX_FIELD = "outbox"
PENDING_FIELD = "outbox_pending"
HINTS_SUFFIX = "_outbox_hints"
FULL_SCAN_SECONDS = 60.0
# Longer than a batch can take (a broker's confirmation times out after 15 s): a relay killed mid-batch
# hands over after this.
LEASE_SECONDS = 30.0
# While a broker is away, how many documents holding only its messages a claim reads past in search of
# the others' (BrokerHolds in shared.messaging.relay); the others' messages behind more wait for it.
READ_PAST_DOCUMENTS = 500


def outbox_entry(envelope: Envelope, *, topic: str, key: str) -> dict:
    return {"event_id": envelope.event_id, "topic": topic, "key": key, "value": envelope.to_json()}


def outbox_update(entries: list[dict]) -> dict:
    """The update operators that append ``entries``; merge them into the change's own update."""
    return {"$push": {OUTBOX_FIELD: {"$each": entries}}, "$set": {PENDING_FIELD: True}}


def hints_of(collection):
    return collection.database[f"{collection.name}{HINTS_SUFFIX}"]


def doorbell_of(collection) -> RedisDoorbell:
    return _doorbell(f"outbox:{collection.database.name}.{collection.name}")


@cache
def _doorbell(channel: str) -> RedisDoorbell:
    return RedisDoorbell(channel)  # one per channel: its failures are logged now and then, not per write


def hint(collection, document_id: str) -> None:
    """Point the relay at a document whose outbox just got messages, and wake it. Call after the write; a
    failure is logged, not raised: the write stands, and the relay's next full scan finds its messages."""
    try:
        hints_of(collection).insert_one({"_id": document_id})
    except DuplicateKeyError:
        pass  # already pointed at
    except PyMongoError as exc:
        logger.warning("outbox hint not recorded for %s: %s", document_id, exc)
        return
    doorbell_of(collection).ring()


class EmbeddedOutbox:
    """The relay's view of one collection's embedded outboxes.

    ``lock_key(document_id)`` must name the same lock the collection's writers take, and
    ``purge_filter`` (e.g. ``{"is_deleted": True}``) selects documents to remove once drained.
    """

    def __init__(self, collection, *, lock_key, purge_filter=None, full_scan_seconds=FULL_SCAN_SECONDS):
        self.collection = collection
        self.hints = hints_of(collection)
        self.lock_key = lock_key
        self.purge_filter = purge_filter
        self.full_scan_seconds = full_scan_seconds
        self.doorbell = doorbell_of(collection)
        self._last_full_scan = float("-inf")  # the first look is a full scan

    @contextmanager
    def claim(self, limit: int, skip_kinds=frozenset()):
        """The oldest pending messages (but those of ``skip_kinds``: brokers that are away) while this relay
        holds the collection's lease (None otherwise)."""
        with self._lease() as leased:
            yield self.pending(limit, skip_kinds) if leased else None

    @contextmanager
    def _lease(self):
        """The relays' turn on this collection: a lock document (shared.mongo.document_lock), taken without
        waiting. One mechanism only, so two relays can never each hold a lease of their own; it expires
        after LEASE_SECONDS if its holder dies mid-batch."""
        name = f"relay:{self.collection.database.name}.{self.collection.name}"
        with ExitStack() as held:
            try:
                held.enter_context(document_lock(name, ttl_seconds=LEASE_SECONDS, wait_seconds=0))
            except DocumentLocked:
                yield False
            else:
                yield True

    def pending(self, limit: int, skip_kinds=frozenset()) -> list[Outgoing]:
        """Up to ``limit`` messages, oldest document first. Documents holding only messages of
        ``skip_kinds`` are read past, not counted, so a broker that is away holds back its own messages
        only (at the cost of reading past them while it is away)."""
        spent: list = []
        full_scan = time.monotonic() - self._last_full_scan >= self.full_scan_seconds
        if full_scan:
            documents = self.collection.find({PENDING_FIELD: True}, {OUTBOX_FIELD: 1}).sort("_id", 1)
        else:
            documents = self._hinted(spent)
        try:
            messages = _messages(documents, limit, skip_kinds, READ_PAST_DOCUMENTS)
        finally:
            documents.close()
        if full_scan:
            self._last_full_scan = time.monotonic()  # after it worked: a failed scan is tried again
        self._delete_spent(spent)
        return messages

    def _hinted(self, spent: list):
        """The hinted documents, oldest first, each read when the caller gets to it; the ids of spent hints
        (their document delivered or gone) are added to ``spent``."""
        with self.hints.find({}, {"_id": 1}).sort("_id", 1) as hints:
            for hinted in hints:
                document = self.collection.find_one({"_id": hinted["_id"]}, {OUTBOX_FIELD: 1})
                if document and document.get(OUTBOX_FIELD):
                    yield document
                else:  # delivered by a full scan meanwhile, or the document is gone
                    spent.append(hinted["_id"])

    def _delete_spent(self, spent: list) -> None:
        for document_id in spent:
            # Under the document's lock and after a second look: a writer that just added messages found
            # this hint in place (and so did not write its own), which must then stay.
            with document_lock(self.lock_key(document_id)):
                document = self.collection.find_one({"_id": document_id}, {OUTBOX_FIELD: 1})
                if not (document and document.get(OUTBOX_FIELD)):
                    self.hints.delete_one({"_id": document_id})

    def delivered(self, messages: list[Outgoing]) -> None:
        by_document: dict[str, set[str]] = {}
        for message in messages:
            by_document.setdefault(message.ref, set()).add(message.event_id)
        for document_id, event_ids in by_document.items():
            # Rewritten whole under the document's lock rather than with a conditional $pull, which
            # FerretDB 1.24 does not apply to embedded documents. The hint goes under the same lock, so a
            # writer's new messages (which need the lock) always find it there or put it back.
            with document_lock(self.lock_key(document_id)):
                projection = {OUTBOX_FIELD: 1, **dict.fromkeys(self.purge_filter or {}, 1)}
                document = self.collection.find_one({"_id": document_id}, projection)
                if document is None:
                    self.hints.delete_one({"_id": document_id})
                    continue
                remaining = [e for e in document.get(OUTBOX_FIELD, []) if e["event_id"] not in event_ids]
                if not remaining and self._purged(document):
                    # Matched here, under the lock, and deleted by _id alone: FerretDB reads the whole
                    # collection for a filter on any other field (218 ms with 1,500 products).
                    self.collection.delete_one({"_id": document_id})
                else:
                    self.collection.update_one(
                        {"_id": document_id},
                        {"$set": {OUTBOX_FIELD: remaining, PENDING_FIELD: bool(remaining)}},
                    )
                if not remaining:
                    self.hints.delete_one({"_id": document_id})

    def _purged(self, document: dict) -> bool:
        """Whether a drained document is one to remove (``purge_filter``'s fields all match)."""
        return bool(self.purge_filter) and all(document.get(k) == v for k, v in self.purge_filter.items())


def _messages(documents, limit: int, skip_kinds, read_past: int) -> list[Outgoing]:
    """Up to ``limit`` messages of ``documents`` but ``skip_kinds``'; after ``read_past`` documents that
    held none of those, stop (a long outage must not make every claim read its whole backlog)."""
    messages, passed = [], 0
    for document in documents:
        found = len(messages)
        for entry in document.get(OUTBOX_FIELD, []):
            kind = kind_of(entry["topic"])
            if kind not in skip_kinds:
                messages.append(
                    Outgoing(
                        ref=document["_id"],
                        kind=kind,
                        destination=entry["topic"],
                        key=entry["key"],
                        event_id=entry["event_id"],
                        value=entry["value"],
                    )
                )
        if len(messages) == found:
            passed += 1
        if len(messages) >= limit or passed >= read_past:
            break
    return messages[:limit]

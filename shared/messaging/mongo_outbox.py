"""An outbox kept inside the MongoDB document it belongs to, for services without multi-document
transactions: the change and its messages are one single-document write, so neither exists without
the other.

Document fields: ``outbox`` (list of ``{event_id, topic, key, value}``, oldest first) and
``outbox_pending`` (true while the list is not empty; indexed, so the relay finds work cheaply).
"""

from dataclasses import dataclass

from shared.events import Envelope
from shared.mongo import document_lock

OUTBOX_FIELD = "outbox"
PENDING_FIELD = "outbox_pending"


@dataclass(frozen=True)
class OutboxMessage:
    document_id: str
    event_id: str
    topic: str
    key: str
    value: str


def outbox_entry(envelope: Envelope, *, topic: str, key: str) -> dict:
    return {"event_id": envelope.event_id, "topic": topic, "key": key, "value": envelope.to_json()}


def outbox_update(entries: list[dict]) -> dict:
    """The update operators that append ``entries``; merge them into the change's own update."""
    return {"$push": {OUTBOX_FIELD: {"$each": entries}}, "$set": {PENDING_FIELD: True}}


class EmbeddedOutbox:
    """The relay's view of one collection's embedded outboxes.

    ``lock_key(document_id)`` must name the same lock the collection's writers take, and
    ``purge_filter`` (e.g. ``{"is_deleted": True}``) selects documents to remove once drained.
    """

    def __init__(self, collection, *, lock_key, purge_filter=None):
        self.collection = collection
        self.lock_key = lock_key
        self.purge_filter = purge_filter

    def pending(self, limit: int) -> list[OutboxMessage]:
        messages = []
        cursor = self.collection.find({PENDING_FIELD: True}, {OUTBOX_FIELD: 1}).sort("_id", 1).limit(limit)
        for document in cursor:
            for entry in document.get(OUTBOX_FIELD, []):
                messages.append(OutboxMessage(document_id=document["_id"], **entry))
        return messages[:limit]

    def delivered(self, messages: list[OutboxMessage]) -> None:
        by_document: dict[str, set[str]] = {}
        for message in messages:
            by_document.setdefault(message.document_id, set()).add(message.event_id)
        for document_id, event_ids in by_document.items():
            # Rewritten whole under the document's lock rather than with a conditional $pull, which
            # FerretDB 1.24 does not apply to embedded documents.
            with document_lock(self.lock_key(document_id)):
                document = self.collection.find_one({"_id": document_id}, {OUTBOX_FIELD: 1})
                if document is None:
                    continue
                remaining = [e for e in document.get(OUTBOX_FIELD, []) if e["event_id"] not in event_ids]
                self.collection.update_one(
                    {"_id": document_id}, {"$set": {OUTBOX_FIELD: remaining, PENDING_FIELD: bool(remaining)}}
                )
                if not remaining and self.purge_filter:
                    self.collection.delete_one(
                        {"_id": document_id, PENDING_FIELD: False, **self.purge_filter}
                    )

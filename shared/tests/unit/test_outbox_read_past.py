"""How far a MongoDB relay's claim reads past documents holding only a held broker's messages
(shared.messaging.mongo_outbox._messages): not beyond its bound, and never past a batch's worth."""

from shared.events.names import ORDER_CREATED_QUEUE, ORDER_EVENTS_TOPIC
from shared.messaging.mongo_outbox import _messages


def _document(number, *topics):
    entries = [
        {"event_id": f"{number}-{i}", "topic": t, "key": "k", "value": "{}"} for i, t in enumerate(topics)
    ]
    return {"_id": f"d{number}", "outbox": entries}


def test_documents_of_a_held_broker_are_read_past_up_to_the_bound():
    documents = [*(_document(n, ORDER_CREATED_QUEUE) for n in range(3)), _document(3, ORDER_EVENTS_TOPIC)]

    assert [m.ref for m in _messages(iter(documents), 10, {"celery"}, read_past=3)] == []
    assert [m.ref for m in _messages(iter(documents), 10, {"celery"}, read_past=4)] == ["d3"]


def test_a_mixed_document_gives_its_other_messages_and_a_batch_stops_at_its_limit():
    documents = [_document(n, ORDER_CREATED_QUEUE, ORDER_EVENTS_TOPIC) for n in range(5)]
    read = []

    def reading():
        for document in documents:
            read.append(document["_id"])
            yield document

    messages = _messages(reading(), 2, {"celery"}, read_past=10)

    assert [(m.ref, m.kind) for m in messages] == [("d0", "kafka"), ("d1", "kafka")]
    assert read == ["d0", "d1"]  # nothing read beyond the batch

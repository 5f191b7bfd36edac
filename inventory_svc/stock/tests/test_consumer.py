"""The product.events consumer: items are created, renamed and deactivated; replays change nothing."""

import pytest
from confluent_kafka import Producer
from django.conf import settings

from shared.events import (
    PRODUCT_CREATED,
    PRODUCT_DELETED,
    PRODUCT_EVENTS_TOPIC,
    PRODUCT_UPDATED,
    make_envelope,
)
from shared.events.scope import isolated, scoped
from shared.messaging.kafka import make_consumer
from shared.testing.kafka import scoped_topics
from stock.consumer import ProductEventsConsumer
from stock.models import Item, Movement, ProcessedEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def topic():
    """product.events of this test's own (shared.events.scope), by its name on the broker."""
    with isolated(), scoped_topics(settings.KAFKA_BOOTSTRAP_SERVERS, PRODUCT_EVENTS_TOPIC) as (name,):
        yield name


def _publish(topic, *envelopes):
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    for envelope in envelopes:
        producer.produce(topic, key=envelope.data["product_id"], value=envelope.to_json())
    assert producer.flush(10) == 0


def _created(product_id, initial_stock, sku="SKU-1"):
    data = {
        "product_id": product_id,
        "sku": sku,
        "name": "Mug",
        "category": "k",
        "price": "1.00",
        "initial_stock": initial_stock,
    }
    return make_envelope(PRODUCT_CREATED, data, source="product_svc")


def _consume(topic, group, expected, timeout=20.0):
    """Run the real consumer logic until ``expected`` messages were handled."""
    import time

    worker = ProductEventsConsumer()  # its handlers; the client is the test's, in a group per call
    consumer = make_consumer(scoped(group))
    consumer.subscribe([topic])
    handled = 0
    deadline = time.monotonic() + timeout
    try:
        while handled < expected and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            worker.process(consumer, message)
            handled += 1
    finally:
        consumer.close()
    return handled


def test_product_events_create_rename_and_deactivate_the_item(topic):
    created = _created("p-1", 40)
    _publish(
        topic,
        created,
        make_envelope(
            PRODUCT_UPDATED, {"product_id": "p-1", "sku": "SKU-1B", "price": "2.00"}, source="product_svc"
        ),
        make_envelope(PRODUCT_DELETED, {"product_id": "p-1"}, source="product_svc"),
    )

    assert _consume(topic, "g-1", expected=3) == 3

    item = Item.objects.get(product_id="p-1")
    assert (item.quantity, item.reserved, item.reorder_threshold) == (40, 0, 5)
    assert (item.sku, item.product_name) == ("SKU-1B", "Mug")
    assert item.is_active is False
    assert list(Movement.objects.filter(item=item).values_list("kind", flat=True)) == [
        "created", "renamed", "deactivated"
    ]  # fmt: skip


@pytest.mark.parametrize(("initial", "threshold"), [(0, 5), (51, 6), (100, 10), (1000, 100)])
def test_the_threshold_follows_the_rule(topic, initial, threshold):
    _publish(topic, _created(f"p-{initial}", initial))

    _consume(topic, f"g-{initial}", expected=1)

    assert Item.objects.get(product_id=f"p-{initial}").reorder_threshold == threshold


def test_replaying_the_topic_from_offset_zero_creates_no_duplicates(topic):
    first, second = _created("p-a", 10, "A"), _created("p-b", 20, "B")
    _publish(topic, first, second, first)  # the same event twice on the topic, too
    _consume(topic, "g-first", expected=3)
    before = list(Item.objects.order_by("product_id").values_list("product_id", "quantity"))

    _consume(topic, "g-replay", expected=3)  # a new group starts at offset 0

    assert before == [("p-a", 10), ("p-b", 20)]
    assert list(Item.objects.order_by("product_id").values_list("product_id", "quantity")) == before
    assert Movement.objects.filter(kind="created").count() == 2
    assert ProcessedEvent.objects.count() == 2


def test_offsets_are_committed_so_a_restarted_consumer_reads_nothing_again(topic):
    _publish(topic, _created("p-c", 5))
    _consume(topic, "g-commit", expected=1)

    assert _consume(topic, "g-commit", expected=1, timeout=4) == 0


def test_an_invalid_message_is_skipped_not_stuck(topic):
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})
    producer.produce(topic, key="p-x", value=b"not json")
    producer.flush(10)
    _publish(topic, _created("p-after", 7))

    assert _consume(topic, "g-poison", expected=2) == 2
    assert Item.objects.filter(product_id="p-after").exists()

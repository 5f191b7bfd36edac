"""A broker that is away holds back only its own messages (shared.messaging.relay.BrokerHolds): with
RabbitMQ unreachable and more saga answers waiting than a batch holds, the Kafka events stored after them
still leave; once RabbitMQ answers again, the answers follow, each once."""

import uuid

import pytest
from django.conf import settings

from config.celery import app
from shared.events import names
from shared.messaging import publishers
from shared.messaging.pg_outbox.models import OutboxMessage
from shared.messaging.pg_outbox.store import OutboxStore
from shared.messaging.relay import Relay
from shared.testing.kafka import read_all
from stock import services

UNREACHABLE_RABBITMQ = "amqp://platform:platform@127.0.0.1:1/none"
BATCH = 10


def _relay(broker_url):
    publisher = publishers.Publisher(
        {
            publishers.KAFKA: publishers.kafka_publisher,
            publishers.CELERY: publishers.CeleryPublisher(app, broker_url),
        }
    )
    return Relay(OutboxStore(), publisher, batch_size=BATCH)


@pytest.fixture
def quick_to_give_up():
    """Celery tries a closed port once, not a hundred times."""
    previous = app.conf.broker_connection_max_retries
    app.conf.broker_connection_max_retries = 1
    yield
    app.conf.broker_connection_max_retries = previous


@pytest.mark.django_db(transaction=True)
def test_rabbitmq_away_holds_back_the_saga_answers_only(make_item, broker, quick_to_give_up):
    item = make_item(quantity=1_000)
    OutboxMessage.objects.all().delete()
    orders = [f"o-{uuid.uuid4().hex[:8]}" for _ in range(2 * BATCH)]
    for order_id in orders:  # each: a saga answer (RabbitMQ), then inventory.reserved (Kafka)
        services.stock_reserve(
            order_id=order_id, items=[{"product_id": item.product_id, "quantity": 1}], reply=True
        )

    relay = _relay(UNREACHABLE_RABBITMQ)
    passes = 0
    while OutboxMessage.objects.filter(kind=OutboxMessage.Kind.KAFKA).exists() and passes < 10:
        relay.run_once()
        passes += 1

    # Every event left although the answers at the head of the outbox could not; they are all still there.
    assert not OutboxMessage.objects.filter(kind=OutboxMessage.Kind.KAFKA).exists()
    assert OutboxMessage.objects.filter(kind=OutboxMessage.Kind.CELERY).count() == len(orders)
    assert relay.holds.held() == {publishers.CELERY}

    back = _relay(broker)
    while back.run_once():
        pass
    assert not OutboxMessage.objects.exists()
    received = read_all(settings.KAFKA_BOOTSTRAP_SERVERS, names.INVENTORY_EVENTS_TOPIC, expect=len(orders))
    reserved = [
        envelope["data"]["order_id"]
        for _key, envelope in received
        if envelope["event_type"] == names.INVENTORY_RESERVED and envelope["data"]["order_id"] in orders
    ]
    assert sorted(reserved) == sorted(orders)  # each once

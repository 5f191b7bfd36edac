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
from shared.testing.kafka import read_all
from shared.testing.rabbitmq import UNREACHABLE_BROKER_URL, connecting_once
from stock import services
from stock.relay import build_relay

BATCH = 10


@pytest.fixture
def quick_to_give_up():
    with connecting_once(app):
        yield


@pytest.mark.django_db(transaction=True)
def test_rabbitmq_away_holds_back_the_saga_answers_only(make_item, broker, quick_to_give_up):
    item = make_item(quantity=1_000)
    OutboxMessage.objects.all().delete()
    orders = [f"o-{uuid.uuid4().hex[:8]}" for _ in range(2 * BATCH)]
    for order_id in orders:  # each: a saga answer (RabbitMQ), then inventory.reserved (Kafka)
        services.stock_reserve(
            order_id=order_id, items=[{"product_id": item.product_id, "quantity": 1}], reply=True
        )

    relay = build_relay(broker_url=UNREACHABLE_BROKER_URL, batch_size=BATCH)
    passes = 0
    while OutboxMessage.objects.filter(kind=OutboxMessage.Kind.KAFKA).exists() and passes < 10:
        relay.run_once()
        passes += 1

    # Every event left although the answers at the head of the outbox could not; they are all still there.
    assert not OutboxMessage.objects.filter(kind=OutboxMessage.Kind.KAFKA).exists()
    assert OutboxMessage.objects.filter(kind=OutboxMessage.Kind.CELERY).count() == len(orders)
    assert relay.holds.held() == {publishers.CELERY}

    back = build_relay(broker_url=broker, batch_size=BATCH)
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

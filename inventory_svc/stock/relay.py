"""inventory_svc's outbox relay: the PostgreSQL outbox to Kafka (inventory events), RabbitMQ (saga
replies) and Redis (low-stock alerts), woken by the outbox's NOTIFY. ``broker_url`` overrides the app's
broker (tests)."""

import redis
from django.conf import settings

from config.celery import app
from shared.messaging import publishers
from shared.messaging.pg_outbox.api import DOORBELL
from shared.messaging.pg_outbox.store import OutboxStore
from shared.messaging.relay import Relay


def build_relay(*, broker_url: str | None = None, **options) -> Relay:
    publisher = publishers.Publisher(
        {
            publishers.KAFKA: publishers.kafka_publisher,
            publishers.CELERY: publishers.CeleryPublisher(app, broker_url),
            publishers.REDIS: publishers.RedisPublisher(
                redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
            ),
        }
    )
    return Relay(OutboxStore(), publisher, DOORBELL, **options)

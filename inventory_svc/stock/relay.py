"""inventory_svc's outbox relay: Kafka events, Celery replies to order_svc, and Redis low-stock alerts."""

import redis
from django.conf import settings

from config.celery import app
from shared.messaging.relay import Relay
from shared.outbox.relay import OutboxStore, Publisher


def build_relay(**options) -> Relay:
    publisher = Publisher(
        celery_app=app, redis_client=redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    )
    return Relay(OutboxStore(), publisher, **options)

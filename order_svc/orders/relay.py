"""order_svc's outbox relay: the orders' embedded outboxes to RabbitMQ (saga commands) and Kafka (order
events), woken over Redis by each write. ``broker_url`` overrides the app's broker (tests' vhost)."""

from shared.messaging import publishers
from shared.messaging.relay import Relay


def build_relay(*, broker_url: str | None = None, **options) -> Relay:
    from config.celery import app
    from orders import repository

    publisher = publishers.Publisher(
        {
            publishers.KAFKA: publishers.kafka_publisher,
            publishers.CELERY: publishers.CeleryPublisher(app, broker_url),
        }
    )
    outbox = repository.outbox()
    return Relay(outbox, publisher, outbox.doorbell, **options)

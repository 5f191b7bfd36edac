"""product_svc's outbox relay: the products' embedded outboxes to Kafka (key = product id), woken over
Redis by each write."""

from products import repository
from shared.messaging import publishers
from shared.messaging.relay import Relay


def build_relay(**options) -> Relay:
    outbox = repository.outbox()
    publisher = publishers.Publisher({publishers.KAFKA: publishers.kafka_publisher})
    return Relay(outbox, publisher, outbox.doorbell, **options)

"""The product outbox relay: embedded outboxes of the products collection → Kafka (key = product id)."""

from products import repository
from shared.messaging.kafka import publish_confirmed
from shared.messaging.relay import Relay


def publish_to_kafka(messages) -> None:
    publish_confirmed([(m.topic, m.key.encode(), m.value.encode()) for m in messages])


def build_relay(**options) -> Relay:
    return Relay(repository.outbox(), publish_to_kafka, **options)

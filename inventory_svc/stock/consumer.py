"""The Kafka consumer of product.events. Offsets are committed only after the database commit of the
message's effect, so a crash re-reads the message, and the dedup record makes the replay harmless."""

import logging
import signal
import threading

from confluent_kafka import TopicPartition
from django.conf import settings
from django.db import close_old_connections

from shared import heartbeat
from shared.events import InvalidEnvelope, parse_envelope
from shared.messaging.kafka import make_consumer
from stock.handlers import handle_product_event

logger = logging.getLogger("stock.consumer")


class ProductEventsConsumer:
    def __init__(self, *, topic=None, group_id=None):
        self.topic = topic or settings.PRODUCT_EVENTS_TOPIC
        self.group_id = group_id or settings.INVENTORY_CONSUMER_GROUP
        self.stopping = threading.Event()

    def run_forever(self):
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: self.stopping.set())
            signal.signal(signal.SIGINT, lambda *_: self.stopping.set())
        consumer = make_consumer(self.group_id)
        consumer.subscribe([self.topic])
        logger.info("consuming %s as %s", self.topic, self.group_id)
        try:
            while not self.stopping.is_set():
                heartbeat.beat()
                message = consumer.poll(1.0)
                if message is None:
                    continue
                if message.error():
                    logger.warning("kafka: %s", message.error())
                    continue
                self.process(consumer, message)
        finally:
            consumer.close()

    def process(self, consumer, message):
        try:
            envelope = parse_envelope(message.value())
        except InvalidEnvelope as exc:
            # A message we can never apply must not block the partition: log it and move on.
            logger.error("skipping invalid message at %s/%s: %s", message.partition(), message.offset(), exc)
            consumer.commit(message=message, asynchronous=False)
            return
        try:
            close_old_connections()
            applied = handle_product_event(envelope)
        except Exception:
            logger.exception("could not apply %s; will read it again", envelope.event_id)
            # Rewind so the same message is polled again after a pause.
            consumer.seek(TopicPartition(message.topic(), message.partition(), message.offset()))
            self.stopping.wait(2.0)
            return
        consumer.commit(message=message, asynchronous=False)
        logger.info(
            "%s %s",
            envelope.event_type,
            "applied" if applied else "already applied",
            extra={"event_id": envelope.event_id, "offset": message.offset()},
        )

"""The Kafka consume loop every service runs: one topic, one consumer group, a table of handlers.

    EventConsumer(topic=..., group_id=..., handlers={PRODUCT_CREATED: handle_product_event}).run_forever()

The contract, for the handlers and for whoever runs the loop:

- **At least once.** A message's offset is committed (synchronously) only after its handler returned,
  so whatever the handler stored in its own database transaction is durable first. A crash, a kill or
  a lost commit between the two makes the message arrive again, so a handler must be idempotent on
  ``envelope.event_id`` (a dedup record or a unique constraint in the same transaction as its effect).
  A handler returns False when there was nothing to do (seen before, or not for it); that is only logged.
- **Nothing blocks a partition for ever.** A message that is not a valid envelope (``parse_envelope``
  refuses it) is logged and its offset committed; so is a valid one whose event type has no handler
  here (another consumer's business).
- **Nothing is skipped because a dependency is down.** A handler that raises (database away), or a
  commit that fails (Kafka away, a rebalance), rewinds the partition to the message and waits, doubling
  the wait up to ``max_backoff_seconds``: the message is handled again, and committed, once things work.
  Other partitions keep flowing; one partition's order (one key's order) is kept.
- **Alive while Kafka is down.** librdkafka reconnects by itself; the loop keeps polling and touches its
  heartbeat file (``shared.heartbeat``) on every poll, so a healthcheck tells a stuck loop from an
  outage. A consumer the client reports as broken (a fatal error) is closed and made again.
- **Back at work at once after a restart**, a kill -9 included: a process of the stack (``PROCESS_NAME``,
  set per process by deploy/stack/services.sh and compose) is a *static* member of its group
  (``group.instance.id`` = its process name and host, ``static_instance_id``). The broker hands a
  restarted process its predecessor's partitions as soon as it joins, instead of waiting for the dead
  member's session to time out (which left products created meanwhile without an inventory item).
  Scaled out (issue 19), every process has a name of its own (``inventory-consumer-2``), and a container
  a host of its own. Two processes that claim one id anyway fence each other; the one fenced goes on as
  a dynamic member (logged as an error) instead of taking the id back in turn.
- **Stops cleanly** on SIGTERM/SIGINT (or ``stop()``): the message in hand is finished and committed,
  then the consumer closes. A dynamic member leaves its group; a static one keeps its place for the
  session timeout, so its restart is not a rebalance (a static member that never comes back is dropped
  after the session timeout).

A shorter group session than librdkafka's 45 s default (``SESSION_TIMEOUT_MS``) bounds how long a
commit can block while the group coordinator is unreachable (the heartbeat file stays fresh within a
30 s healthcheck) and how long the partitions of a consumer that is gone for good wait for another one.
"""

import logging
import os
import re
import socket
import time
from collections.abc import Callable, Mapping

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, TopicPartition

from shared.events import Envelope, InvalidEnvelope, parse_envelope
from shared.events.scope import scoped
from shared.messaging.kafka import make_consumer
from shared.messaging.loop import ServiceLoop, fresh_connections, handling

logger = logging.getLogger("shared.kafka_consumer")
client_logger = logging.getLogger("shared.kafka_consumer.librdkafka")

Handler = Callable[[Envelope], object]

SESSION_TIMEOUT_MS = 10_000
_NOT_IN_AN_INSTANCE_ID = re.compile(r"[^A-Za-z0-9._-]")  # Kafka's rule for group.instance.id


def static_instance_id(process_name: str | None = None, host: str | None = None) -> str | None:
    """The ``group.instance.id`` of this process: ``<process name>.<host>``, stable across its restarts
    and different for every other process of the group; None (dynamic membership) for a process the
    stack did not name (a test, a consumer run by hand next to the stack's own)."""
    process_name = os.environ.get("PROCESS_NAME", "") if process_name is None else process_name
    if not process_name:
        return None
    instance = f"{process_name}.{host or socket.gethostname()}"
    return _NOT_IN_AN_INSTANCE_ID.sub("-", instance)[:249]


class EventConsumer(ServiceLoop):
    """Consume ``topic`` as ``group_id`` (both in the current ``shared.events.scope``), each envelope
    handed to ``handlers[event_type]`` (the contract is the module's; signals, heartbeat and backoff
    are shared.messaging.loop's). ``consumer_config`` adds to or overrides the librdkafka settings;
    ``instance_id`` makes a static member of another id than ``static_instance_id()``'s."""

    name = "kafka consumer"

    def __init__(
        self,
        *,
        topic: str,
        group_id: str,
        handlers: Mapping[str, Handler],
        poll_seconds: float = 1.0,
        max_backoff_seconds: float = 10.0,
        heartbeat_file: str | None = None,
        consumer_config: Mapping | None = None,
        instance_id: str | None = None,
    ):
        super().__init__(max_backoff_seconds=max_backoff_seconds, heartbeat_file=heartbeat_file)
        self.topic = scoped(topic)
        self.group_id = scoped(group_id)
        self.handlers = dict(handlers)
        self.poll_seconds = poll_seconds
        self.consumer_config = {
            "session.timeout.ms": SESSION_TIMEOUT_MS,
            # librdkafka's own log lines (connection failures...) as JSON log lines like ours.
            "logger": client_logger,
            **(consumer_config or {}),
        }
        self.instance_id = instance_id or static_instance_id()

    def step(self) -> None:
        """Consume with a new client until stopped; a broken client (or a bug) raises, and the loop makes
        another after the backoff."""
        self._consume_with_a_new_client()

    def failed(self, exc: Exception) -> None:
        logger.exception("kafka consumer failed, making it again: %s", exc, extra=self.where())

    def process(self, consumer: Consumer, message: Message) -> bool:
        """Handle one message and commit its offset; False when it was rewound to be read again."""
        try:
            envelope = parse_envelope(message.value())
        except InvalidEnvelope as exc:
            # It would fail the same way on every delivery: log it and move on.
            logger.error(
                "skipping invalid message at %s[%s]@%s: %s",
                message.topic(),
                message.partition(),
                message.offset(),
                exc,
                extra={**self._position(message), "value": repr(message.value())[:500]},
            )
            return self._commit(consumer, message)
        handler = self.handlers.get(envelope.event_type)
        with handling(envelope):
            if handler is None:
                logger.info(
                    "%s has no handler here; skipped", envelope.event_type, extra=self._about(envelope)
                )
                return self._commit(consumer, message)
            try:
                fresh_connections()
                outcome = handler(envelope)
            except Exception:
                logger.exception(
                    "could not handle %s %s; it will be read again",
                    envelope.event_type,
                    envelope.event_id,
                    extra={**self._about(envelope), **self._position(message)},
                )
                self._rewind(consumer, message)
                return False
            committed = self._commit(consumer, message)
            logger.info(
                "%s %s%s",
                envelope.event_type,
                "nothing to do (seen before, or not for us)" if outcome is False else "handled",
                "" if committed else "; not committed, it will be read again",
                extra={**self._about(envelope), **self._position(message), "committed": committed},
            )
            return committed

    def _consume_with_a_new_client(self) -> None:
        static = {"group.instance.id": self.instance_id} if self.instance_id else {}
        consumer = make_consumer(self.group_id, **self.consumer_config, **static)
        try:
            consumer.subscribe([self.topic])
            self._consume(consumer)
        finally:
            self._close(consumer)

    def _consume(self, consumer: Consumer) -> None:
        while not self.stopping.is_set():
            self.beat()  # alive, even while Kafka is down
            message = consumer.poll(self.poll_seconds)
            if message is None:
                continue
            error = message.error()
            if error is not None:
                # librdkafka reports a fatal error as an event of code _FATAL (its fatal() says False).
                if error.fatal() or error.code() == KafkaError._FATAL:
                    self._after_fatal(error)
                    raise KafkaException(error)
                logger.warning("kafka: %s", error, extra=self.where())
                continue
            self.process(consumer, message)

    def _after_fatal(self, error: KafkaError) -> None:
        """A consumer's one fatal error is a static member fenced by another process with its id: go on
        as a dynamic member rather than fence that one in turn, for ever."""
        if self.instance_id:
            logger.error(
                "another consumer joined %s as %s; this one goes on as a dynamic member: %s",
                self.group_id,
                self.instance_id,
                error,
                extra={**self.where(), "instance_id": self.instance_id},
            )
            self.instance_id = None

    def _commit(self, consumer: Consumer, message: Message) -> bool:
        try:
            consumer.commit(message=message, asynchronous=False)
        except KafkaException as exc:
            # Kafka away (it blocks up to the session timeout) or the partition moved in a rebalance:
            # the message is read again, here or by its next owner, and its handler finds it done.
            logger.warning(
                "could not commit %s[%s]@%s: %s",
                message.topic(),
                message.partition(),
                message.offset(),
                exc,
                extra=self._position(message),
            )
            self._rewind(consumer, message)
            return False
        self.backoff = 0.0
        return True

    def _rewind(self, consumer: Consumer, message: Message) -> None:
        """Poll ``message`` again after a pause that doubles while failures last."""
        try:
            consumer.seek(TopicPartition(message.topic(), message.partition(), message.offset()))
        except KafkaException as exc:
            # No longer ours (revoked in a rebalance): its next owner starts from the committed offset.
            logger.info("could not rewind %s[%s]: %s", message.topic(), message.partition(), exc)
        self.pause()

    def _close(self, consumer: Consumer) -> None:
        try:
            # A dynamic member leaves its group, so its partitions move on at once; a static one keeps its
            # place for its successor (the module's docstring).
            consumer.close()
        except Exception as exc:
            logger.warning("closing the kafka consumer failed: %s", exc, extra=self.where())

    def where(self) -> dict:
        return {"topic": self.topic, "group": self.group_id, "instance_id": self.instance_id}

    @staticmethod
    def _position(message: Message) -> dict:
        return {"topic": message.topic(), "partition": message.partition(), "offset": message.offset()}

    @staticmethod
    def _about(envelope: Envelope) -> dict:
        return {"event_id": envelope.event_id, "event_type": envelope.event_type}


class _OncePerInterval(logging.Filter):
    """Let each kind of librdkafka line through once per ``seconds``: while Kafka is down the client
    reports the same refused connection some twenty times a second."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds
        self._last: dict[str, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        kind = re.sub(r"\d+", "#", record.getMessage())  # ports, timings and counts vary
        now = time.monotonic()
        if now - self._last.get(kind, -self.seconds) < self.seconds:
            return False
        if len(self._last) > 1000:
            self._last.clear()
        self._last[kind] = now
        return True


client_logger.addFilter(_OncePerInterval(10.0))

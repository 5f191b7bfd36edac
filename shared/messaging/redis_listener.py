"""Reading a Redis stream as a consumer group: each entry handed to its handler and acknowledged (XACK)
only once the handler returned, so nothing is lost while the reader is down or between a delivery and a
crash. Signals, heartbeat, backoff and the request id are shared.messaging.loop's.

    StreamListener(client, stream=..., group=..., consumer=..., handlers={EVENT_TYPE: handle}).run_forever()

Each pass reads, in this order:
1. this consumer's own pending entries (id ``0``): delivered earlier but never acknowledged, because the
   process died or a handler failed; read at start and after every failure;
2. now and then, entries another consumer left pending for longer than ``claim_idle_ms`` (XAUTOCLAIM),
   e.g. a container that was replaced and came back under another host name;
3. new entries (id ``>``), blocking up to ``block_ms`` so the loop stays responsive to SIGTERM.

An entry that is not a valid envelope, or whose event type has no handler, is logged and acknowledged:
it would fail the same way on every delivery and must not block the stream. Any other failure (database
or Redis down) leaves the entry pending; the loop backs off and reads it again.
"""

import logging
import time

import redis

from shared.events import InvalidEnvelope
from shared.events.scope import scoped
from shared.messaging.loop import ServiceLoop, fresh_connections, handling
from shared.messaging.redis_streams import parse_stream_entry

logger = logging.getLogger("shared.redis_listener")


class StreamListener(ServiceLoop):
    name = "stream listener"

    def __init__(
        self,
        client: redis.Redis,
        *,
        stream: str,
        group: str,
        consumer: str,
        handlers: dict,
        batch_size: int = 10,
        block_ms: int = 2000,
        claim_idle_ms: int = 60_000,
        max_backoff_seconds: float = 10.0,
        heartbeat_file: str | None = None,
    ):
        super().__init__(max_backoff_seconds=max_backoff_seconds, heartbeat_file=heartbeat_file)
        self.client = client
        self.stream = scoped(stream)  # the names are shared.events.names', in the tests' scope
        self.group = scoped(group)
        self.consumer = consumer
        self.handlers = handlers
        self.batch_size = batch_size
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        self._group_ready = False
        self._backlog = True
        self._next_claim = 0.0

    def run_once(self) -> int:
        """Read one batch and handle it; return how many entries were acknowledged."""
        if not self._group_ready:
            self._ensure_group()
        entries = self._read()
        for entry_id, fields in entries:
            self._process(entry_id, fields)
        return len(entries)

    def step(self) -> None:
        self.run_once()

    def failed(self, exc: Exception) -> None:
        # A dependency is down: the entries stay pending and are read first when it is back.
        self._group_ready = False  # Redis may have come back empty
        self._backlog = True

    def where(self) -> dict:
        return {"stream": self.stream, "group": self.group, "consumer": self.consumer}

    def _ensure_group(self) -> None:
        try:
            # From id 0: a group made after events were added still reads them.
            self.client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def _read(self) -> list:
        if self._backlog:
            entries = self._read_group("0")
            if entries:
                return entries
            self._backlog = False
        if time.monotonic() >= self._next_claim:
            self._next_claim = time.monotonic() + self.claim_idle_ms / 1000
            if self._claim_abandoned():
                self._backlog = True  # the claimed entries are ours now: read them as our backlog
                return []
        return self._read_group(">", block=self.block_ms)

    def _read_group(self, from_id: str, block: int | None = None) -> list:
        response = self.client.xreadgroup(
            self.group, self.consumer, {self.stream: from_id}, count=self.batch_size, block=block
        )
        return [entry for _stream, entries in response or [] for entry in entries]

    def _claim_abandoned(self) -> int:
        claimed = self.client.xautoclaim(
            self.stream,
            self.group,
            self.consumer,
            min_idle_time=self.claim_idle_ms,
            start_id="0-0",
            count=self.batch_size,
            justid=True,
        )
        if claimed:
            logger.info("claimed %d abandoned entries", len(claimed), extra={"claimed": len(claimed)})
        return len(claimed)

    def _process(self, entry_id, fields) -> None:
        try:
            envelope = parse_stream_entry(fields)
            handler = self.handlers.get(envelope.event_type)
            if handler is None:
                raise InvalidEnvelope(f"no handler for event_type {envelope.event_type!r} on this stream")
        except InvalidEnvelope as exc:
            logger.error(
                "skipping stream entry %s: %s",
                _text(entry_id),
                exc,
                extra={"stream": self.stream, "entry_id": _text(entry_id), "entry": repr(fields)[:500]},
            )
            self._ack(entry_id)
            return
        with handling(envelope):
            fresh_connections()
            handler(envelope)
            self._ack(entry_id)

    def _ack(self, entry_id) -> None:
        self.client.xack(self.stream, self.group, entry_id)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)

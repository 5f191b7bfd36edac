"""The low-stock listener: the Redis stream read by a consumer group, each entry handed to its handler
and acknowledged (XACK) only once the handler returned, so nothing is lost while the service is down or
between a delivery and a crash.

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
import signal
import threading
import time

import redis
from django.conf import settings

from notifications.handlers import LOW_STOCK_STREAM_HANDLERS
from shared import heartbeat
from shared.correlation import clean_request_id, reset_request_id, set_request_id
from shared.events import InvalidEnvelope
from shared.messaging.redis_streams import parse_stream_entry

logger = logging.getLogger("notifications.listener")


class StreamListener:
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
        self.client = client
        self.stream = stream
        self.group = group
        self.consumer = consumer
        self.handlers = handlers
        self.batch_size = batch_size
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        self.max_backoff_seconds = max_backoff_seconds
        self.heartbeat_file = heartbeat_file or heartbeat.DEFAULT_PATH
        self.stopping = threading.Event()
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

    def run_forever(self) -> None:
        """Loop until SIGTERM/SIGINT (or ``stop()``), backing off while Redis or the database fails."""
        self._install_signal_handlers()
        backoff = 0.0
        logger.info(
            "listening to %s as %s/%s",
            self.stream,
            self.group,
            self.consumer,
            extra={"stream": self.stream, "group": self.group, "consumer": self.consumer},
        )
        while not self.stopping.is_set():
            heartbeat.beat(self.heartbeat_file)  # alive, even while Redis is down
            try:
                self.run_once()
                backoff = 0.0
            except Exception as exc:  # a dependency is down: keep the entries pending, try again later
                self._group_ready = False  # Redis may have come back empty
                self._backlog = True  # what failed is pending now; read it first
                backoff = min(self.max_backoff_seconds, max(0.5, backoff * 2))
                logger.warning(
                    "listener pass failed, retrying in %.1fs: %s: %s",
                    backoff,
                    type(exc).__name__,
                    exc,
                    extra={"retry_in": backoff},
                )
                self.stopping.wait(backoff)
        logger.info("listener stopped")

    def stop(self, *_args) -> None:
        self.stopping.set()

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
        token = set_request_id(clean_request_id(envelope.correlation_id))
        try:
            handler(envelope)
            self._ack(entry_id)
        finally:
            reset_request_id(token)

    def _ack(self, entry_id) -> None:
        self.client.xack(self.stream, self.group, entry_id)

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)


def build_listener(**options) -> StreamListener:
    """The listener of settings.LOW_STOCK_STREAM with this service's handlers."""
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=2,
        # Longer than a blocking read, so only a dead connection times out.
        socket_timeout=settings.LOW_STOCK_BLOCK_MS / 1000 + 5,
    )
    return StreamListener(
        client,
        stream=settings.LOW_STOCK_STREAM,
        group=settings.LOW_STOCK_GROUP,
        consumer=settings.LOW_STOCK_CONSUMER,
        handlers=LOW_STOCK_STREAM_HANDLERS,
        block_ms=settings.LOW_STOCK_BLOCK_MS,
        claim_idle_ms=settings.LOW_STOCK_CLAIM_IDLE_MS,
        **options,
    )


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)

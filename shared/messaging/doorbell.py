"""How a writer wakes its relay the moment a message is stored, so the relay needs no busy polling.

    PostgresDoorbell("outbox").ring()      # inside the writer's transaction: delivered at its commit
    RedisDoorbell(channel).ring()          # after a MongoDB write: best effort, never raises

    doorbell.listen()                      # the relay, once, before its first look at the store
    doorbell.wait(1.0)                     # True when rung (every ring queued so far is taken)

A ring is only a hint that there is work; the store stays the record. A ring lost (the relay was
restarting, Redis was down) delays a message until the relay's sweep, never loses it. The relay listens
*before* it first reads the store, so a message stored after that read always rings a listener.

PostgreSQL's ``NOTIFY`` is transactional: it is sent when the writer's transaction commits and not at
all when it rolls back, and notifications of one transaction on one channel are folded into one.
MongoDB has no such thing on FerretDB (no change streams), so its writers publish on a Redis channel
after their single-document write.
"""

import logging
import os
import threading
import time

import psycopg
import redis
from django.conf import settings
from django.db import connection, transaction
from psycopg import sql

logger = logging.getLogger("shared.doorbell")


class PostgresDoorbell:
    """``LISTEN``/``NOTIFY`` on the service's PostgreSQL database (the default Django connection)."""

    def __init__(self, channel: str):
        self.channel = channel
        self._listener: psycopg.Connection | None = None

    def ring(self) -> None:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("ring inside the transaction that stores the message")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [self.channel])

    def listen(self) -> None:
        """Open the relay's own autocommit connection (a LISTEN inside Django's connection would end with
        its transactions) and subscribe."""
        self.close()
        params = connection.get_connection_params()
        # Keepalives: a connection that died silently (no FIN) is noticed within a minute, not hours.
        listener = psycopg.connect(
            **{**params, "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10}, autocommit=True
        )
        listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        self._listener = listener

    def wait(self, seconds: float) -> bool:
        if self._listener is None or self._listener.closed:
            self.listen()
        rung = False
        for _ in self._listener.notifies(timeout=seconds, stop_after=1):
            rung = True
        if rung:  # take what else is queued: one pass serves them all
            for _ in self._listener.notifies(timeout=0):
                pass
        return rung

    def close(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            finally:
                self._listener = None


_clients: dict[int, redis.Redis] = {}
_clients_lock = threading.Lock()
_RING_FAILURE_LOG_SECONDS = 10.0


def _redis_client() -> redis.Redis:
    """The process's client for rings (one per process: a pool is not shared across a fork).
    Short timeouts: a ring is on a writer's request path, and a lost one only waits for the sweep."""
    pid = os.getpid()
    with _clients_lock:
        if pid not in _clients:
            _clients.clear()
            _clients[pid] = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=0.25, socket_timeout=0.25
            )
        return _clients[pid]


class RedisDoorbell:
    """A Redis pub/sub channel: the writer publishes after its write, the relay subscribes."""

    def __init__(self, channel: str):
        self.channel = channel
        self._pubsub = None
        self._last_failure_logged = float("-inf")

    def ring(self) -> None:
        try:
            _redis_client().publish(self.channel, b"")
        except redis.RedisError as exc:
            # The write stands and the relay's sweep finds it; say so now and then, not on every write.
            if time.monotonic() - self._last_failure_logged >= _RING_FAILURE_LOG_SECONDS:
                self._last_failure_logged = time.monotonic()
                logger.warning("could not ring %s; the relay's sweep will find it: %s", self.channel, exc)

    def listen(self) -> None:
        self.close()
        # Its own client: a subscribed connection blocks in reads, which must outlast a wait.
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_keepalive=True, health_check_interval=30
        )
        pubsub = client.pubsub()
        pubsub.subscribe(self.channel)
        # SUBSCRIBE is only sent; subscribed is when Redis confirms it (the relay looks after this).
        confirmation = pubsub.get_message(timeout=2.0)
        if not confirmation or confirmation.get("type") != "subscribe":
            pubsub.close()
            raise redis.ConnectionError(f"no confirmation of the subscription to {self.channel}")
        self._pubsub = pubsub

    def wait(self, seconds: float) -> bool:
        if self._pubsub is None:
            self.listen()
        message = self._pubsub.get_message(timeout=seconds)
        rung = _is_ring(message)
        while message is not None:  # take what else is queued: one pass serves them all
            message = self._pubsub.get_message(timeout=0)
            rung = rung or _is_ring(message)
        return rung

    def close(self) -> None:
        if self._pubsub is not None:
            try:
                self._pubsub.close()
            finally:
                self._pubsub = None


def _is_ring(message) -> bool:
    """A published ring, not the answer to the client's own health-check PING."""
    return message is not None and message.get("type") == "message"

"""The base of every long-running loop of the platform (outbox relays, the Kafka consumers, the Redis
stream listener): what a process that serves no HTTP must get right, written once.

    class Relay(ServiceLoop):
        def step(self): ...            # one unit of work; raise when a dependency fails

- **Stops cleanly** on SIGTERM/SIGINT (or ``stop()``): the step in hand finishes, then ``closed()``.
- **Alive while its dependencies are down**: the loop touches its heartbeat file (``shared.heartbeat``)
  before every step, and ``beat()`` may be called inside a long step; a healthcheck tells a stuck loop
  from an outage.
- **Backs off** after a failed step, doubling the pause from 0.5 s up to ``max_backoff_seconds``, and
  starts again from nothing after a step that worked.
- **Connection hygiene**: a loop has no request cycle, so Django never drops a connection the database
  closed (a restart); ``fresh_connections()`` does, before each piece of work.
- **The request id of the message in hand** (``handling(envelope)``): the envelope's ``correlation_id``
  becomes the request id for the logs and for every message sent on, as the HTTP middleware does for a
  request.
"""

import logging
import signal
import threading
from contextlib import contextmanager

from django.db import close_old_connections, transaction

from shared import heartbeat
from shared.correlation import clean_request_id, reset_request_id, set_request_id

logger = logging.getLogger("shared.loop")


class ServiceLoop:
    """Subclasses implement ``step()``; ``name`` labels the log lines."""

    name = "loop"

    def __init__(self, *, max_backoff_seconds: float = 10.0, heartbeat_file: str | None = None):
        self.max_backoff_seconds = max_backoff_seconds
        self.heartbeat_file = heartbeat_file or heartbeat.DEFAULT_PATH
        self.stopping = threading.Event()
        self.backoff = 0.0

    def step(self) -> None:
        raise NotImplementedError

    def run_forever(self) -> None:
        """Step until stopped; a failed step is logged and retried after the backoff."""
        self._install_signal_handlers()
        logger.info("%s started", self.name, extra=self.where())
        try:
            while not self.stopping.is_set():
                self.beat()
                try:
                    self.step()
                except Exception as exc:  # a dependency is down, or a bug: never a reason to stop
                    self.failed(exc)
                    self.wait_after_failure(exc)
                else:
                    self.backoff = 0.0
        finally:
            self.closed()
            logger.info("%s stopped", self.name, extra=self.where())

    def stop(self, *_args) -> None:
        self.stopping.set()

    def beat(self) -> None:
        heartbeat.beat(self.heartbeat_file)

    def failed(self, exc: Exception) -> None:
        """Called with what a step raised, before the pause; subclasses reset their state here."""

    def pause(self) -> None:
        """Wait out a failure: 0.5 s at first, doubling while failures last (``backoff = 0`` resets)."""
        self.backoff = min(self.max_backoff_seconds, max(0.5, self.backoff * 2))
        self.stopping.wait(self.backoff)

    def wait_after_failure(self, exc: Exception) -> None:
        retry_in = min(self.max_backoff_seconds, max(0.5, self.backoff * 2))
        logger.warning(
            "%s failed, retrying in %.1fs: %s: %s",
            self.name,
            retry_in,
            type(exc).__name__,
            exc,
            extra={**self.where(), "retry_in": retry_in},
        )
        self.pause()

    def closed(self) -> None:
        """Release what the loop holds (clients, connections); called once, on the way out."""

    def where(self) -> dict:
        """Fields every log line of this loop carries."""
        return {}

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)


def fresh_connections() -> None:
    """Drop database connections that are broken or past their age, as Django does around a request.
    Never inside a transaction (a test's): closing would abort it."""
    if not transaction.get_connection().in_atomic_block:
        close_old_connections()


@contextmanager
def handling(envelope):
    """Handle ``envelope`` under its correlation id as the request id."""
    token = set_request_id(clean_request_id(envelope.correlation_id))
    try:
        yield
    finally:
        reset_request_id(token)

"""The outbox relay loop: take pending messages from a store, publish them, mark them delivered.

A store is any object with ``pending(limit) -> list`` and ``delivered(messages)``; a publisher is a
callable that raises on failure. A message stays pending until its publish is confirmed, so a crash or
a broker outage delays messages but never loses them; a crash after the publish and before ``delivered``
sends a message twice, which consumers absorb by deduplicating on event_id.
"""

import logging
import signal
import threading

from shared import heartbeat

logger = logging.getLogger("shared.relay")


class Relay:
    def __init__(
        self,
        store,
        publish,
        *,
        batch_size=100,
        idle_seconds=0.2,
        max_backoff_seconds=10.0,
        heartbeat_file=None,
    ):
        self.store = store
        self.heartbeat_file = heartbeat_file or heartbeat.DEFAULT_PATH
        self.publish = publish
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.stopping = threading.Event()

    def run_once(self) -> int:
        """Publish one batch; return how many messages were delivered."""
        messages = self.store.pending(self.batch_size)
        if not messages:
            return 0
        self.publish(messages)
        self.store.delivered(messages)
        return len(messages)

    def run_forever(self):
        """Loop until SIGTERM/SIGINT (or ``stop()``), backing off while the broker or store fails."""
        self._install_signal_handlers()
        backoff = 0.0
        logger.info("relay started")
        while not self.stopping.is_set():
            heartbeat.beat(self.heartbeat_file)  # alive, even while the broker is down
            try:
                sent = self.run_once()
                backoff = 0.0
                if sent:
                    logger.info("relayed %d messages", sent, extra={"relayed": sent})
                    continue
                self.stopping.wait(self.idle_seconds)
            except Exception as exc:  # broker or store down: keep everything pending and try again later
                backoff = min(self.max_backoff_seconds, max(0.5, backoff * 2))
                logger.warning(
                    "relay failed, retrying in %.1fs: %s", backoff, exc, extra={"retry_in": backoff}
                )
                self.stopping.wait(backoff)
        logger.info("relay stopped")

    def stop(self, *_args):
        self.stopping.set()

    def _install_signal_handlers(self):
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)

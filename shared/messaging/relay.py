"""The outbox relay: take what a store holds, publish it, remove what its broker confirmed.

    Relay(store, publisher, doorbell).run_forever()

- **Woken by the write.** A writer rings the store's doorbell (shared.messaging.doorbell) when it stores
  a message; the relay sleeps on the doorbell and looks at the store at once when rung. Without a ring it
  looks every ``sweep_seconds`` anyway (the sweep), for messages whose ring was lost; while the doorbell
  itself is broken (Redis down) it looks every ``fallback_poll_seconds``.
- **Never loses, rarely repeats.** A message leaves the store only once its broker confirmed it
  (``delivered``), so a crash or an outage delays messages and never loses them; a crash between the
  confirmation and ``delivered`` sends a message twice, which consumers absorb (they deduplicate on the
  event id). When a batch went to several brokers and one failed, the publisher raises PartlyPublished
  and what the others confirmed is removed: those are not sent again.
- **One broker away holds back its own messages, not the others'** (BrokerHolds): they keep flowing,
  late only while the held broker is tried again.
- **Several instances, one sender at a time.** ``store.claim()`` hands out a batch only to the relay that
  holds the store's lease (a PostgreSQL advisory lock, a MongoDB lock document); another instance gets
  nothing and waits for the next ring. Why not split the batch between instances: messages of one key
  (a product, an order) must leave in the order they were stored, and a batch split between two relays
  could overtake itself. A standby takes over within a ring of its predecessor's end (or the lock's
  expiry after a kill), so running two costs nothing and loses nothing.

A store has ``claim(limit, skip_kinds)``, a context manager that yields the oldest pending messages but
those of ``skip_kinds`` (None when the lease is elsewhere), and ``delivered(messages)``, called inside
the claim. A publisher is a callable that returns once every message is confirmed and raises otherwise.
"""

import logging
import time

from shared.messaging.loop import ServiceLoop

logger = logging.getLogger("shared.relay")


class PartlyPublished(Exception):
    """Some messages of a batch were confirmed (``sent``) and others not: those of ``failed_kinds``
    (``error`` says why)."""

    def __init__(self, sent: list, error: Exception, *, failed_kinds=frozenset()):
        super().__init__(str(error))
        self.sent = sent
        self.error = error
        self.failed_kinds = frozenset(failed_kinds)


class BrokerHolds:
    """The brokers (message kinds) a relay passes over for now because their last publish failed: each
    is tried again after a wait that doubles from ``first_seconds`` to ``max_seconds`` while it keeps
    failing, and forgotten once it works (or once it has not failed for ``max_seconds`` after its hold
    ended). Without this, a broker that is away with a batch's worth of messages at the head of the store
    would hold back every other broker's messages behind them.

    What it does not remove: the batch that tries a held broker again waits for that broker's timeout
    (Kafka about 10 s, RabbitMQ's connection attempt a few seconds) before the next batch is claimed, so
    the others' new messages are late by that much once per hold. Removing that too would take a loop per
    broker, each on a lease of its own."""

    def __init__(self, first_seconds: float = 0.5, max_seconds: float = 10.0):
        self.first_seconds = first_seconds
        self.max_seconds = max_seconds
        self._until: dict[str, float] = {}
        self._wait: dict[str, float] = {}

    def failed(self, kinds) -> None:
        now = time.monotonic()
        for kind in kinds:
            if now - self._until.get(kind, now) > self.max_seconds:  # an old outage: start afresh
                self._wait.pop(kind, None)
            wait = min(self._wait.get(kind, self.first_seconds / 2) * 2, self.max_seconds)
            self._wait[kind] = wait
            self._until[kind] = now + wait

    def worked(self, kinds) -> None:
        for kind in kinds:
            self._until.pop(kind, None)
            self._wait.pop(kind, None)

    def held(self) -> frozenset:
        now = time.monotonic()
        return frozenset(kind for kind, until in self._until.items() if until > now)

    def seconds_to_next(self) -> float | None:
        """How long until a held broker is tried again (None when none is held)."""
        now = time.monotonic()
        waits = [until - now for until in self._until.values() if until > now]
        return min(waits) if waits else None


class Relay(ServiceLoop):
    name = "relay"

    def __init__(
        self,
        store,
        publish,
        doorbell=None,
        *,
        batch_size: int = 100,
        sweep_seconds: float = 5.0,
        fallback_poll_seconds: float = 0.5,
        lease_retry_seconds: float = 0.5,
        **options,
    ):
        super().__init__(**options)
        self.store = store
        self.publish = publish
        self.doorbell = doorbell
        self.batch_size = batch_size
        self.sweep_seconds = sweep_seconds
        self.fallback_poll_seconds = fallback_poll_seconds
        self.lease_retry_seconds = lease_retry_seconds
        self.holds = BrokerHolds()
        self._lease_elsewhere = False
        self._listening = False
        self._next_listen = 0.0

    def run_once(self) -> int:
        """Publish one batch; return how many messages left the store. A broker that failed is held
        (BrokerHolds): its messages stay and the others go on; any other failure raises."""
        held = self.holds.held()
        served = getattr(self.publish, "kinds", None)  # the Publisher's brokers
        if held and served and held >= served:
            return 0  # every broker is held: nothing to try until a hold ends (a claim would read for naught)
        with self.store.claim(self.batch_size, held) as messages:
            self._lease_elsewhere = messages is None
            if not messages:
                return 0
            failed = frozenset()
            try:
                self.publish(messages)
                sent = messages
            except PartlyPublished as partly:
                sent, failed = partly.sent, partly.failed_kinds
                logger.warning(
                    "%s not confirmed, held back for now: %s",
                    ", ".join(sorted(failed)),
                    partly.error,
                    extra={"unsent": len(messages) - len(sent), "brokers": sorted(failed)},
                )
            if sent:
                self.store.delivered(sent)
        self.holds.failed(failed)
        self.holds.worked({message.kind for message in sent} - failed)
        return len(sent)

    def step(self) -> None:
        self._listen()  # before the look, so whatever is stored after it rings us
        sent = self.run_once()
        if sent:
            logger.info("relayed %d messages", sent, extra={"relayed": sent})
            return  # there may be more: look again at once
        self._sleep()

    def _listen(self) -> None:
        if self.doorbell is None or self._listening or time.monotonic() < self._next_listen:
            return
        self._next_listen = time.monotonic() + self.sweep_seconds  # while it fails: try at sweep pace
        try:
            self.doorbell.listen()
            self._listening = True
        except Exception as exc:  # whatever the client raises: poll meanwhile
            logger.warning("cannot listen for rings, polling meanwhile: %s", exc)

    def _sleep(self) -> None:
        """Until rung, swept or stopped; in short waits, so a stop and the heartbeat are never late."""
        if not self._listening:
            self.stopping.wait(self.fallback_poll_seconds)
            return
        # While another relay holds the lease, look again soon: if it stops after its batch, what was
        # rung meanwhile is this one's to send.
        until = self.lease_retry_seconds if self._lease_elsewhere else self.sweep_seconds
        until = min(until, self.holds.seconds_to_next() or until)  # a held broker's turn comes sooner
        waited = 0.0
        while waited < until and not self.stopping.is_set():
            chunk = min(1.0, until - waited)
            try:
                if self.doorbell.wait(chunk):
                    return
            except Exception as exc:  # its server is down: poll until it is back
                logger.warning("lost the doorbell, polling meanwhile: %s", exc)
                self._listening = False
                self._close_doorbell()
                return
            waited += chunk
            self.beat()

    def failed(self, exc: Exception) -> None:
        # A database restart also drops the LISTEN connection; listen again after the pause.
        self._listening = False
        self._next_listen = 0.0
        self._close_doorbell()

    def closed(self) -> None:
        self._close_doorbell()
        if hasattr(self.publish, "close"):
            self.publish.close()

    def _close_doorbell(self) -> None:
        if self.doorbell is not None:
            try:
                self.doorbell.close()
            except Exception as exc:
                logger.info("closing the doorbell: %s", exc)

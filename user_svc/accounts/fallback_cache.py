"""A cache that keeps answering while Redis does not: where the login throttle keeps its counters.

Every call goes to the primary cache (Redis, shared by every process of the service). When Redis fails to
answer (connection refused or reset, a timeout), the call is served by the fallback cache instead, this
process's memory (Django's LocMemCache), and for the next ``RETRY_SECONDS`` every call goes there without
trying Redis, so an outage does not cost every request a connection attempt or a timeout. After that, the
next call tries Redis again.

Never silent, never noisy: the first failure of an outage is logged as a WARNING, and so is the recovery,
with the outage's length; the calls in between are not logged one by one. The counts kept in memory during
the outage are left behind when Redis answers again.

The state of an outage is per process and per primary cache alias (a module-level table), since a
process sees an outage through its own connections.
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.core.cache import caches
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
# What an unreachable Redis raises through django-redis (it wraps redis-py's connection and timeout
# errors in ConnectionInterrupted); OSError for a socket error that escapes both.
UNREACHABLE = (ConnectionInterrupted, RedisError, OSError)


@dataclass
class _Outage:
    started: float  # time.monotonic()
    retry_at: float
    failures: int = 1


_outages: dict[str, _Outage] = {}
_lock = threading.Lock()


class FallbackCache:
    """The part of Django's cache API the throttle needs, over ``primary`` with ``fallback`` behind it."""

    def __init__(self, primary: str, fallback: str):
        self.primary = primary
        self.fallback = fallback

    def get_many(self, keys: list[str]) -> dict:
        return self._call("get_many", keys)

    def set_many(self, mapping: dict, timeout: float) -> None:
        self._call("set_many", mapping, timeout=timeout)

    def in_outage(self) -> bool:
        """Whether this process currently counts in its own memory."""
        return self.primary in _outages

    def _call(self, method: str, *args, **kwargs):
        outage = _outages.get(self.primary)
        if outage is None or time.monotonic() >= outage.retry_at:
            try:
                result = getattr(caches[self.primary], method)(*args, **kwargs)
            except UNREACHABLE as exc:
                self._failed(exc)
            else:
                if outage is not None:
                    self._recovered()
                return result
        return getattr(caches[self.fallback], method)(*args, **kwargs)

    def _failed(self, exc: Exception) -> None:
        now = time.monotonic()
        with _lock:
            outage = _outages.get(self.primary)
            if outage is not None:
                outage.failures += 1
                outage.retry_at = now + RETRY_SECONDS
                return
            _outages[self.primary] = _Outage(started=now, retry_at=now + RETRY_SECONDS)
        logger.warning(
            "Cache %r is unreachable (%s): login attempts are counted in this process's memory until it "
            "answers again, so each process applies the limits on its own",
            self.primary,
            _reason(exc),
            extra={"event": "login_throttle_degraded", "cache": self.primary, "retry_seconds": RETRY_SECONDS},
        )

    def _recovered(self) -> None:
        with _lock:
            outage = _outages.pop(self.primary, None)
        if outage is None:
            return
        seconds = round(time.monotonic() - outage.started, 1)
        logger.warning(
            "Cache %r answers again after %s s: login attempts are counted in it again",
            self.primary,
            seconds,
            extra={
                "event": "login_throttle_restored",
                "cache": self.primary,
                "outage_seconds": seconds,
                "failed_calls": outage.failures,
            },
        )


def _reason(exc: Exception) -> str:
    cause = exc.__cause__ or exc  # ConnectionInterrupted wraps the redis-py error that says what happened
    return f"{type(cause).__name__}: {cause}"

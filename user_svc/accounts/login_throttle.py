"""One login throttle for every path that checks a password: the API login (its JSON body and its OAuth2
form) and the staff login (Django's admin login form, where every service's admin and browsable-API
"Log in" lead). Each path calls ``login_attempt`` just before it checks the password, so a guess through
one path counts against the others.

Two limits, on the same counters for every path:

- per account (``LOGIN_RATE_PER_ACCOUNT``, 5/min): guessing one account's password is slowed whatever
  the client and the path; the account is the normalized email, hashed;
- per client address (``LOGIN_RATE_PER_ADDRESS``, 30/min): one client cannot sweep many accounts. The
  address is DRF's (``NUM_PROXIES``: the hop the gateway adds to ``X-Forwarded-For``).

An attempt over either limit is refused before the password is checked and is not counted itself, so a
client that waits ``Retry-After`` seconds gets its turn. The window slides: a counter is the list of the
attempt times within the last period, under the key DRF's ``SimpleRateThrottle`` uses
(``throttle_<scope>_<ident>``), as before this module.

The counters live in Redis (the default cache), shared by every process. While Redis does not answer
they live in each process's memory (``accounts.fallback_cache``, ``LOGIN_THROTTLE_CACHES``): every process
then applies the limits on its own, so the service as a whole allows up to its number of processes times
each rate (4 in the local stack) — loosened, never lifted, and said in the log.

Counting reads and then writes, so two processes may each let one attempt past a limit at the same
moment; with sync workers that is at most one extra attempt per process.
"""

import hashlib
import math
import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from accounts.errors import AccountError
from accounts.fallback_cache import FallbackCache
from accounts.models import normalize_email

KEY_FORMAT = "throttle_%(scope)s_%(ident)s"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class LoginThrottled(AccountError):
    """Too many login attempts; ``wait`` is how many seconds until the next one is allowed."""

    def __init__(self, wait: int):
        super().__init__(
            f"Too many login attempts for this account or from this address. Try again in {wait} seconds."
        )
        self.wait = wait


def login_attempt(request, *, email: str) -> None:
    """Count an attempt to log in to ``email`` from the request's client address, or raise LoginThrottled
    (without counting it) when either limit is reached."""
    counters = FallbackCache(*settings.LOGIN_THROTTLE_CACHES)
    limits = {
        _key("login_account", hashlib.sha256(normalize_email(email).encode()).hexdigest()): _rate(
            settings.LOGIN_RATE_PER_ACCOUNT
        ),
        _key("login_address", BaseThrottle().get_ident(request)): _rate(settings.LOGIN_RATE_PER_ADDRESS),
    }
    now = time.time()
    stored = counters.get_many(list(limits))
    histories, waits = {}, []
    for key, (allowed, period) in limits.items():
        history = [moment for moment in stored.get(key, []) if moment > now - period]
        if len(history) >= allowed:
            waits.append(min(history) + period - now)  # when the oldest attempt leaves the window
        histories[key] = [now, *history]
    if waits:
        raise LoginThrottled(max(1, math.ceil(max(waits))))
    longest = max(period for _, period in limits.values())
    counters.set_many(histories, timeout=longest)


def _key(scope: str, ident: str) -> str:
    return KEY_FORMAT % {"scope": scope, "ident": ident}


def _rate(rate: str) -> tuple[int, int]:
    """``"5/min"`` → ``(5, 60)``: DRF's throttle rate format (the unit's first letter counts)."""
    allowed, unit = rate.split("/")
    return int(allowed), PERIODS[unit.strip()[0]]

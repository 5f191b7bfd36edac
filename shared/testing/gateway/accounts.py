"""An account as its client holds it, and the rules of its tokens, written once for both faces.

user_svc throttles logins (5 a minute per account, 30 per client address) and the gateway limits
/api/v1/auth/, so a client logs in once and later only refreshes. An access token lives JWT_ACCESS_MINUTES
(5 wherever the stack runs); the refresh token rotates, and a used one is refused (401) from then on, so a
refresh whose answer was lost leaves the client with a dead refresh token: only then does it log in again.

The rules are generators of steps: each yields a ``Request`` to send (or a ``Pause``) and is sent back the
``Answer``; they send nothing themselves, so the blocking face (client.py) and the asyncio face (aio.py)
run the very same rules with their own I/O.
"""

import base64
import json
import os
import subprocess
import time
import uuid
from collections.abc import Generator
from dataclasses import dataclass

from shared.testing.gateway.answers import Answer, Refused
from shared.testing.stack import RUN_SH

PASSWORD = "correct-horse-battery-7"  # of every throwaway account the tests, benchmark and chaos run make
LOGIN_PATH = "/api/v1/auth/login"
REFRESH_PATH = "/api/v1/auth/refresh"
REGISTER_PATH = "/api/v1/auth/register"
# Renew an access token this long after it was issued: half its life, so a token taken for a whole
# benchmark step, or kept through a user_svc outage, is still good while it is used.
RENEW_AFTER_S = 150.0
# After a refresh that got no usable answer, keep the (still valid) pair and try again this much later.
REFRESH_RETRY_S = 5.0


@dataclass(frozen=True)
class Request:
    what: str  # the name a caller's ledger counts it under
    method: str
    path: str
    body: dict
    expect: tuple[int, ...] = (200,)


@dataclass(frozen=True)
class Pause:
    seconds: float


Steps = Generator[Request | Pause, Answer | None, None]


@dataclass
class Account:
    email: str
    access: str = ""
    refresh: str = ""
    user_id: str = ""
    issued: float = 0.0  # time.monotonic() when the pair was received
    retry_refresh_at: float = 0.0

    def take(self, pair: dict) -> None:
        self.access, self.refresh = pair["access"], pair["refresh"]
        self.user_id = str(claims_of(self.access)["user_id"])
        self.issued = time.monotonic()


def claims_of(token: str) -> dict:
    """The claims of a JWT, unverified: the client only wants its own user id."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def registration(email: str, **extra) -> Request:
    return Request("register", "POST", REGISTER_PATH, {"email": email, "password": PASSWORD, **extra}, (201,))


def logging_in(account: Account, *, attempts: int = 1) -> Steps:
    """Log in; after a refusal or no answer, try again up to ``attempts`` times in all (after a pause,
    longer after a 429, to wait out a throttle or an outage), then raise Refused."""
    answer = None
    for _ in range(attempts):
        if answer is not None:
            yield Pause(3.0 if answer.status == 429 else 1.0)
        answer = yield Request("login", "POST", LOGIN_PATH, {"email": account.email, "password": PASSWORD})
        if answer.ok:
            account.take(answer.body)
            return
    raise Refused(f"cannot log in as {account.email}: {answer.error}")


def renewing(account: Account, *, force: bool = False, login_attempts: int = 1) -> Steps:
    """Renew the token pair when it is due (``force``: now, whatever its age): with the refresh token; by
    logging in again when that is refused (401: our last refresh got through but its answer was lost);
    after no usable answer, keep the old pair and try again REFRESH_RETRY_S later."""
    now = time.monotonic()
    if not force and (now - account.issued <= RENEW_AFTER_S or now < account.retry_refresh_at):
        return
    answer = yield Request("refresh", "POST", REFRESH_PATH, {"refresh": account.refresh})
    if answer.ok:
        account.take(answer.body)
    elif answer.status == 401:
        yield from logging_in(account, attempts=login_attempts)
    else:
        account.retry_refresh_at = now + REFRESH_RETRY_S


def new_email(role: str) -> str:
    return f"{role}-{uuid.uuid4().hex[:10]}@example.com"


def create_staff(email: str) -> None:
    """A staff account made the way an operator makes one: user_svc's createsuperuser."""
    subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [str(RUN_SH), "user", "python", "manage.py", "createsuperuser", "--noinput", "--email", email],
        env={**os.environ, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        check=True,
        capture_output=True,
        timeout=120,
    )

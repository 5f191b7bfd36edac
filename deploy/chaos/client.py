"""One person talking to the gateway the way a careful client does: logs in once, refreshes its access
token before it expires (or when told 401), and names every failure instead of raising.

The gateway rate-limits /api/v1/auth/ per address and user_svc throttles logins per account, so a client
logs in once and later only refreshes; a refresh whose answer was lost leaves the old refresh token
blacklisted, and only then does it log in again.
"""

import base64
import json
import threading
import time
from dataclasses import dataclass

import requests
from ledger import Ledger

PASSWORD = "chaos-monkey-battery-42"  # noqa: S105 - of throwaway accounts on a local stack
TIMEOUT = (3.0, 15.0)  # connect, read: below the gateway's 30 s, so a hung upstream is counted, not waited on
REFRESH_AFTER_S = 200.0  # access tokens live 300 s (JWT_ACCESS_MINUTES)
REFRESH_RETRY_S = 5.0


@dataclass
class Answer:
    """A response, or the name of why there was none. ``error`` None means the client can use it."""

    status: int | None
    body: object
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def claims_of(token: str) -> dict:
    """The claims of a JWT, unverified: the client only wants its own user id."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class Client:
    def __init__(self, gateway_url: str, email: str, ledger: Ledger):
        self.gateway_url = gateway_url
        self.email = email
        self.ledger = ledger
        self.session = requests.Session()
        self.access = ""
        self.refresh = ""
        self.user_id = ""
        self._token_at = 0.0
        self._next_refresh_try = 0.0
        self._lock = threading.Lock()

    # Accounts -------------------------------------------------------------------------------------
    def register(self) -> None:
        answer = self._send("register", "POST", "/api/v1/auth/register", body=self._credentials(), auth=False)
        if answer.status not in (201, 409):
            raise RuntimeError(f"cannot register {self.email}: {answer.status} {answer.error}")

    def login(self, attempts: int = 20) -> None:
        """Log in, waiting out a throttle or an outage; raise after ``attempts``."""
        for _ in range(attempts):
            answer = self._send("login", "POST", "/api/v1/auth/login", body=self._credentials(), auth=False)
            if answer.ok:
                self._take_pair(answer.body)
                return
            time.sleep(3.0 if answer.status == 429 else 1.0)
        raise RuntimeError(f"cannot log in as {self.email}")

    def _credentials(self) -> dict:
        return {"email": self.email, "password": PASSWORD}

    def _take_pair(self, pair: dict) -> None:
        self.access, self.refresh = pair["access"], pair["refresh"]
        self.user_id = str(claims_of(self.access)["user_id"])
        self._token_at = time.monotonic()

    def _renew(self) -> None:
        """A new token pair from the refresh token; a log-in when the refresh token is refused."""
        now = time.monotonic()
        if now < self._next_refresh_try:
            return
        answer = self._send(
            "refresh", "POST", "/api/v1/auth/refresh", body={"refresh": self.refresh}, auth=False
        )
        if answer.ok:
            self._take_pair(answer.body)
        elif answer.status == 401:  # blacklisted: our last refresh succeeded but its answer was lost
            self.login()
        else:
            self._next_refresh_try = now + REFRESH_RETRY_S

    # Requests -------------------------------------------------------------------------------------
    def call(
        self, what: str, method: str, path: str, *, body=None, headers=None, expect=(200, 201)
    ) -> Answer:
        """One request with this person's token; statuses in ``expect`` count as answers."""
        with self._lock:
            if time.monotonic() - self._token_at > REFRESH_AFTER_S:
                self._renew()
        answer = self._send(what, method, path, body=body, headers=headers, expect=expect)
        if answer.status == 401:
            with self._lock:
                self._next_refresh_try = 0.0
                self._renew()
        return answer

    def _send(self, what, method, path, *, body=None, headers=None, auth=True, expect=(200, 201)) -> Answer:
        headers = dict(headers or {})
        if auth:
            headers["Authorization"] = f"Bearer {self.access}"
        try:
            response = self.session.request(
                method, f"{self.gateway_url}{path}", json=body, headers=headers, timeout=TIMEOUT
            )
        except requests.Timeout:
            return self._recorded(what, Answer(None, None, "timeout"))
        except requests.ConnectionError:
            return self._recorded(what, Answer(None, None, "connection error"))
        try:
            payload = response.json() if response.content else None
        except ValueError:
            payload = response.text[:200]
        error = None if response.status_code in expect else f"http_{response.status_code}"
        return self._recorded(what, Answer(response.status_code, payload, error))

    def _recorded(self, what: str, answer: Answer) -> Answer:
        self.ledger.record(what, answer.error, answer.status)
        return answer

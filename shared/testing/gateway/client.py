"""One person talking to the gateway the way a careful client does, blocking (requests): the tests'
accounts and the chaos run's customers and staff. Logs in once, renews its access token when due (and at
once after a 401), and names every failure in the ``Answer`` instead of raising; only a log-in or a
registration the client cannot go on without raises ``Refused``. One client may be shared by threads.
"""

import threading
import time
from collections.abc import Callable

import requests

from shared.testing.gateway.accounts import (
    Account,
    Pause,
    Steps,
    create_staff,
    logging_in,
    new_email,
    registration,
    renewing,
)
from shared.testing.gateway.answers import CONNECTION_ERROR, TIMED_OUT, Answer, require

TIMEOUT = (3.0, 15.0)  # connect, read: below the gateway's 30 s, so a hung upstream is counted, not waited on

# Told of every request: what it was, its error (None: usable), its status (None: no answer).
Record = Callable[[str, str | None, int | None], None]


class Client:
    def __init__(
        self, gateway_url: str, email: str, *, record: Record | None = None, login_attempts: int = 1
    ):
        self.gateway_url = gateway_url
        self.account = Account(email)
        self.login_attempts = login_attempts
        self._record = record
        self._session = requests.Session()
        self._lock = threading.Lock()

    @property
    def email(self) -> str:
        return self.account.email

    @property
    def user_id(self) -> str:
        return self.account.user_id

    @property
    def refresh(self) -> str:
        return self.account.refresh

    @property
    def headers(self) -> dict[str, str]:
        """The bearer header, its access token renewed first when due."""
        with self._lock:
            self._run(renewing(self.account, login_attempts=self.login_attempts))
        return {"Authorization": f"Bearer {self.account.access}"}

    def register(self, **extra) -> Answer:
        """Register this person (with ``extra`` fields); the answer as it came (201 is usable)."""
        return self._send_step(registration(self.email, **extra))

    def log_in(self) -> "Client":
        self._run(logging_in(self.account, attempts=self.login_attempts))
        return self

    def renew(self) -> None:
        """Renew the token pair now, whatever its age (the refresh token used is refused from then on)."""
        with self._lock:
            self._run(renewing(self.account, force=True, login_attempts=self.login_attempts))

    def call(
        self, what: str, method: str, path: str, *, body=None, headers=None, expect=(200, 201)
    ) -> Answer:
        """One request with this person's token; statuses in ``expect`` are usable answers."""
        answer = self._send(
            what, method, path, body=body, headers={**(headers or {}), **self.headers}, expect=expect
        )
        if answer.status == 401:  # expired or revoked early: renew now, for the next call
            self.renew()
        return answer

    def _send(
        self, what: str, method: str, path: str, *, body=None, headers=None, expect=(200, 201)
    ) -> Answer:
        try:
            response = self._session.request(
                method, f"{self.gateway_url}{path}", json=body, headers=headers, timeout=TIMEOUT
            )
        except requests.Timeout:
            answer = Answer(error=TIMED_OUT)
        except requests.ConnectionError:
            answer = Answer(error=CONNECTION_ERROR)
        else:
            answer = Answer.of(response.status_code, _body_of(response), expect)
        if self._record is not None:
            self._record(what, answer.error, answer.status)
        return answer

    def _send_step(self, step) -> Answer:
        return self._send(step.what, step.method, step.path, body=step.body, expect=step.expect)

    def _run(self, steps: Steps) -> None:
        answer = None
        while True:
            try:
                step = steps.send(answer)
            except StopIteration:
                return
            if isinstance(step, Pause):
                time.sleep(step.seconds)
                answer = None
            else:
                answer = self._send_step(step)


def _body_of(response: requests.Response) -> object:
    try:
        return response.json() if response.content else None
    except ValueError:
        return response.text[:200]


def new_customer(gateway_url: str, role: str = "customer", *, email: str | None = None, **options) -> Client:
    """A customer made as people make one: registered through the gateway, then logged in."""
    client = Client(gateway_url, email or new_email(role), **options)
    require(client.register(), f"registering {client.email}")
    return client.log_in()


def new_staff(gateway_url: str, *, email: str | None = None, **options) -> Client:
    """A staff account made as an operator makes one (``create_staff``), then logged in."""
    email = email or new_email("staff")
    create_staff(email)
    return Client(gateway_url, email, **options).log_in()

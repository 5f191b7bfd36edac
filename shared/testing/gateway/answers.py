"""What a call through the gateway came back with, and the failure a client cannot go on after."""

from collections.abc import Collection
from dataclasses import dataclass

TIMED_OUT = "timeout"
CONNECTION_ERROR = "connection error"


@dataclass
class Answer:
    """A response, or the name of why there was none. ``error`` None means the client can use it; else it
    is ``http_<status>`` for a status the caller did not expect, ``timeout`` or ``connection error`` when
    nothing came back (or a name the caller gives, such as the load generator's ``client_overload``)."""

    status: int | None = None
    body: object = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def of(cls, status: int, body: object, expect: Collection[int]) -> "Answer":
        return cls(status, body, None if status in expect else f"http_{status}")


class Refused(RuntimeError):
    """The platform refused, or did not answer, a call the client cannot go on without (a log-in, a
    registration, the benchmark's set-up)."""


def require(answer: Answer, doing: str) -> Answer:
    """The answer, if the client can use it; raise Refused naming what was being done otherwise."""
    if not answer.ok:
        raise Refused(f"{doing}: {answer.error}" + (f" {answer.body}" if answer.body else ""))
    return answer

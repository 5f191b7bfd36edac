"""The request id of the work in progress, carried across threads of control as a context variable.

Set by the HTTP middleware (from ``X-Request-ID``) and by message consumers (from ``correlation_id``);
read by logging and by everything that sends a request or a message on.
"""

import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Accept what gateways and clients commonly send (uuids, hex, dashes); anything else is replaced,
# so a header cannot inject text into logs.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def clean_request_id(candidate: str | None) -> str:
    """Return ``candidate`` if it is a well-formed id, else a fresh one."""
    if candidate and _VALID.match(candidate):
        return candidate
    return new_request_id()


def get_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None):
    """Set the current id; returns a token for ``reset_request_id``."""
    return _request_id.set(value)


def reset_request_id(token) -> None:
    _request_id.reset(token)

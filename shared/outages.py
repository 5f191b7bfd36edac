"""A dependency outage is a 503 naming the dependency, on every endpoint of every service, never a 500.

    {"detail": "PostgreSQL is unavailable: retry shortly.", "dependency": "postgresql"}   Retry-After: 5

``dependency_of(exc)`` is the one table of what "a server we depend on did not answer" looks like, and
which server it was; two entry points answer with it:

- ``exception_handler``, DRF's EXCEPTION_HANDLER (shared settings): whatever an API view raises, its
  authentication and permissions included, rendered like DRF's other errors;
- ``shared.errors.server_error``, every service's handler500: whatever escapes elsewhere, in a
  middleware (sessions, the staff cookie's account), the admin, the API docs, a plain Django view.

Only failures to reach a server count: a refused or dropped connection, a timeout, a server shutting
down or in recovery, a transaction the server gave up (deadlock, serialization). Anything else (a
constraint violated, a query that is wrong) stays a 500, a bug to fix. The health endpoints report their
checks themselves and keep their own answer (``shared.health``). A service answering a 503 or a 5xx to
another (``shared.http.DependencyUnavailable``) is named too: ``user``, ``product``.
"""

import logging
from functools import cache

from django.http import JsonResponse
from rest_framework.exceptions import APIException
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("shared.outages")

RETRY_AFTER_SECONDS = 5  # about a server's restart; clients back off further on repeated 503s
# The name in the answer -> how the detail calls it.
LABELS = {
    "postgresql": "PostgreSQL",
    "mongodb": "MongoDB",
    "redis": "Redis",
    "rabbitmq": "RabbitMQ",
    "kafka": "Kafka",
}


class ServiceUnavailable(APIException):
    """503 naming the ``dependency`` that did not answer, with Retry-After (DRF renders ``wait``)."""

    status_code = 503
    default_code = "service_unavailable"

    def __init__(self, dependency: str):
        super().__init__({"detail": detail_for(dependency), "dependency": dependency})
        self.dependency = dependency
        self.wait = RETRY_AFTER_SECONDS


def detail_for(dependency: str) -> str:
    label = LABELS.get(dependency, f"The {dependency} service")
    return f"{label} is unavailable: retry shortly."


def dependency_of(exc: BaseException | None) -> str | None:
    """The name of the server whose outage ``exc`` is, or wraps (Django and django-redis raise their
    own error ``from`` the driver's), or None when it is no outage. A DRF error is an answer already."""
    if isinstance(exc, APIException):
        return None
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        for kinds, name in _outage_kinds():
            if isinstance(exc, kinds):
                return name(exc) if callable(name) else name
        if _is_transient_mongo_error(exc):
            return "mongodb"
        exc = exc.__cause__
    return None


def exception_handler(exc, context):
    """DRF's exception handler, with a dependency outage answered 503 instead of raised into a 500."""
    dependency = dependency_of(exc)
    if dependency is not None:
        _log(dependency, exc)
        exc = ServiceUnavailable(dependency)
    return drf_exception_handler(exc, context)


def unavailable_response(dependency: str, exc: BaseException | None = None) -> JsonResponse:
    """The 503 outside DRF (handler500): the same body and header as ``ServiceUnavailable``."""
    _log(dependency, exc)
    response = JsonResponse({"detail": detail_for(dependency), "dependency": dependency}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _log(dependency: str, exc: BaseException | None) -> None:
    # A warning, not a traceback per request: the outage is the server's, and /health/ready names it.
    logger.warning(
        "%s unavailable: %s: %s",
        dependency,
        type(exc).__name__,
        str(exc)[:300],
        extra={"dependency": dependency},
    )


@cache
def _outage_kinds() -> tuple:
    """``((exception classes, name or name(exc)), ...)``, built on first use (the imports are heavy)."""
    import amqp.exceptions
    import confluent_kafka
    import kombu.exceptions
    import psycopg
    import pymongo.errors
    import redis.exceptions
    from django_redis.exceptions import ConnectionInterrupted

    from shared.http import DependencyUnavailable
    from shared.messaging.kafka import PublishFailed

    return (
        # The driver's errors, which Django's OperationalError and InterfaceError carry as __cause__:
        # connection refused or lost, server shutting down, deadlock and serialization failures,
        # statement timeouts. (SQLite's OperationalError, "no such table" among them, is not one.)
        ((psycopg.OperationalError, psycopg.InterfaceError), "postgresql"),
        # AutoReconnect, NetworkTimeout and server selection timeouts are ConnectionFailures.
        (
            (pymongo.errors.ConnectionFailure, pymongo.errors.ExecutionTimeout, pymongo.errors.WTimeoutError),
            "mongodb",
        ),
        ((ConnectionInterrupted, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError), "redis"),
        (
            (
                kombu.exceptions.OperationalError,
                amqp.exceptions.ConnectionError,
                amqp.exceptions.RecoverableConnectionError,
            ),
            "rabbitmq",
        ),
        ((confluent_kafka.KafkaException, PublishFailed), "kafka"),
        (DependencyUnavailable, lambda exc: exc.service),
    )


def _is_transient_mongo_error(exc: BaseException) -> bool:
    """What the server itself labels worth retrying (a primary stepping down, a transaction aborted)."""
    has_label = getattr(exc, "has_error_label", None)
    if has_label is None or not type(exc).__module__.startswith("pymongo"):
        return False
    return has_label("RetryableWriteError") or has_label("TransientTransactionError")

"""shared.outages: what a server that does not answer raises is recognised and named, and both entry points
(DRF's exception handler, handler500) answer it with a 503 naming it. The errors are real: each client
is pointed at a port nothing listens on. tests/e2e/test_dependency_outages.py stops the stack's servers."""

import sqlite3

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connections
from django.test import RequestFactory
from kombu import Connection
from pymongo import MongoClient
from rest_framework.exceptions import ValidationError

from shared.errors import server_error
from shared.http import DependencyUnavailable
from shared.outages import dependency_of, exception_handler

NOWHERE = 9  # the discard port: nothing listens on it here


def raised(call):
    try:
        call()
    except Exception as exc:
        return exc
    raise AssertionError("the call did not fail")


def postgres_down():
    """Django's OperationalError, raised from psycopg's, as a view sees it when PostgreSQL is down."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    nowhere = {
        "HOST": "127.0.0.1",
        "PORT": NOWHERE,
        "NAME": "any",
        "USER": "any",
        "PASSWORD": "",
        "OPTIONS": {},
    }
    wrapper = DatabaseWrapper({**connections["default"].settings_dict, **nowhere}, alias="nowhere")

    def connect():  # ensure_connection's own steps (pytest-django replaces ensure_connection itself)
        with wrapper.wrap_database_errors:
            wrapper.connect()

    return raised(connect)


def test_each_servers_outage_is_named():
    mongo = MongoClient(f"mongodb://127.0.0.1:{NOWHERE}", serverSelectionTimeoutMS=200, connectTimeoutMS=200)
    rabbit = Connection(f"amqp://guest:guest@127.0.0.1:{NOWHERE}//", connect_timeout=1)
    outages = {
        "postgresql": postgres_down(),
        "mongodb": raised(lambda: mongo.admin.command("ping")),
        "redis": raised(redis.Redis(port=NOWHERE, socket_connect_timeout=1).ping),
        "rabbitmq": raised(lambda: rabbit.ensure_connection(max_retries=1)),
        "user": DependencyUnavailable("user", "ConnectionError"),
    }
    assert {name: dependency_of(exc) for name, exc in outages.items()} == {name: name for name in outages}
    assert isinstance(outages["postgresql"].__cause__, psycopg.OperationalError)


def test_a_bug_is_no_outage():
    assert dependency_of(raised(lambda: sqlite3.connect(":memory:").execute("SELECT * FROM nope"))) is None
    assert dependency_of(ValueError("wrong")) is None
    assert dependency_of(None) is None
    # An answer a view chose to give is kept, whatever it was raised from.
    try:
        try:
            raise DependencyUnavailable("product")
        except DependencyUnavailable as exc:
            raise ValidationError({"items": ["unknown product"]}) from exc
    except ValidationError as chosen:
        assert dependency_of(chosen) is None


def test_an_api_view_answers_503_naming_the_dependency():
    response = exception_handler(postgres_down(), {})

    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.data == {
        "detail": "PostgreSQL is unavailable: retry shortly.",
        "dependency": "postgresql",
    }


def test_outside_drf_the_500_handler_answers_503_for_an_outage_and_500_for_a_bug():
    request = RequestFactory().get("/admin/")
    try:
        raise postgres_down()
    except Exception:
        outage = server_error(request)
    try:
        raise ValueError("a bug")
    except ValueError:
        bug = server_error(request)

    assert outage.status_code == 503 and outage["Retry-After"] == "5"
    assert (
        outage.content
        == b'{"detail": "PostgreSQL is unavailable: retry shortly.", "dependency": "postgresql"}'
    )
    assert bug.status_code == 500


@pytest.mark.parametrize("name", ["user", "product"])
def test_another_service_is_named_as_the_service(name):
    response = exception_handler(DependencyUnavailable(name, "HTTP 503"), {})
    assert response.data == {
        "detail": f"The {name} service is unavailable: retry shortly.",
        "dependency": name,
    }


def test_every_service_uses_the_handler():
    assert settings.REST_FRAMEWORK["EXCEPTION_HANDLER"] == "shared.outages.exception_handler"

"""Each ORM service has its own PostgreSQL database and role, and cannot reach another's."""

import psycopg
import pytest

from shared.env import parse_database_url
from tests.conftest import service_env

ORM_SERVICES = ("user", "inventory", "notification")


def _connect(service, dbname=None):
    db = parse_database_url(service_env(service)["DATABASE_URL"])
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=dbname or db["NAME"],
        connect_timeout=3,
    )


@pytest.mark.parametrize("service", ORM_SERVICES)
def test_service_database_answers_a_query_as_its_own_role(service):
    with _connect(service) as connection:
        row = connection.execute("SELECT current_database(), current_user, 40 + 2").fetchone()

    assert row == (f"{service}_svc", f"{service}_svc", 42)


@pytest.mark.parametrize(("service", "other"), [("user", "inventory_svc"), ("inventory", "notification_svc")])
def test_a_service_role_cannot_open_another_service_database(service, other):
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        _connect(service, dbname=other)

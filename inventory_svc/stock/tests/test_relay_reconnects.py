"""The relay outlives a PostgreSQL restart (found by `make chaos`: after the server was killed and started
again, the relay kept failing on its dead connection, "the connection is closed", and the outbox grew)."""

import psycopg
import pytest
from django.db import connection

from shared.messaging.pg_outbox.models import OutboxMessage
from stock.relay import build_relay


def _server_ends_the_session():
    """Terminate the relay's backend from another session, as a server restart does."""
    pid = connection.cursor().connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.mark.django_db(transaction=True)
def test_the_relay_reconnects_after_the_server_dropped_its_connection(make_item):
    make_item(quantity=10)
    relay = build_relay()
    _server_ends_the_session()

    # The next pass notices the dead connection (CONN_HEALTH_CHECKS) and works on a fresh one.
    while relay.run_once():
        pass

    assert not OutboxMessage.objects.exists()

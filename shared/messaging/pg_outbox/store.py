"""The relays' view of the PostgreSQL outbox table (the store shared.messaging.relay drains)."""

import json
import zlib
from contextlib import contextmanager

from django.db import connection, transaction

from shared.messaging.loop import fresh_connections
from shared.messaging.pg_outbox.models import OutboxMessage
from shared.messaging.publishers import Outgoing

# The advisory lock the relays of one database take turns on (any number; the table's name hashed).
LEASE_KEY = zlib.crc32(OutboxMessage._meta.db_table.encode())
LEASE_IDLE_TIMEOUT = "60s"  # longer than a batch's publish can take (confirmations time out in 10-15 s)


class OutboxStore:
    """Pending rows, oldest first. Delivered rows are deleted (the history of what happened lives in the
    service's own tables; the outbox only holds what has not left yet)."""

    @contextmanager
    def claim(self, limit, skip_kinds=frozenset()):
        """The oldest rows (but those of ``skip_kinds``: brokers that are away), in a transaction that holds
        the relays' advisory lock until the batch is done (None when another relay holds it). A failure
        rolls back: every row stays."""
        fresh_connections()  # a database restart must not leave the relay on a dead connection
        with transaction.atomic():
            with connection.cursor() as cursor:
                # A relay that vanished mid-batch (its host gone, no FIN) would hold the lock until TCP
                # gave up, hours later; the server ends a transaction idle this long instead.
                cursor.execute(
                    "SELECT set_config('idle_in_transaction_session_timeout', %s, true)", [LEASE_IDLE_TIMEOUT]
                )
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LEASE_KEY])
                (leased,) = cursor.fetchone()
            if not leased:
                yield None
                return
            rows = OutboxMessage.objects.exclude(kind__in=skip_kinds).order_by("id")[:limit]
            yield [_outgoing(row) for row in rows]

    def delivered(self, messages):
        OutboxMessage.objects.filter(id__in=[m.ref for m in messages]).delete()


def _outgoing(row: OutboxMessage) -> Outgoing:
    destination, key = row.destination, row.key
    if row.kind == OutboxMessage.Kind.CELERY and not key and "@" in destination:
        # Written by a process still on the old code during a rolling deploy (migration 0002).
        key, destination = destination.split("@", 1)
    return Outgoing(
        ref=row.id,
        kind=row.kind,
        destination=destination,
        key=key,
        event_id=str(row.event_id),
        value=json.dumps(row.payload),
    )

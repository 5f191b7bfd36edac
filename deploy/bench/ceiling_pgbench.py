"""PostgreSQL ceiling: pgbench running inventory_svc's reserve transaction (reserve.pgbench.sql) on a
scratch database with inventory_svc's own schema (pg_dump of its tables, no data), dropped afterwards.
The service's database is only read, for its schema."""

import asyncio
import re
import secrets
import subprocess
from pathlib import Path

import psycopg
from stack import POSTGRES_BIN, Stack

SCRIPT = Path(__file__).resolve().parent / "reserve.pgbench.sql"
ITEMS = 3000  # rows of stock_item
TABLES = (
    "stock_item",
    "stock_orderreservation",
    "stock_reservation",
    "stock_movement",
    "outbox_outboxmessage",
)
SEED_ITEMS = (
    "INSERT INTO stock_item (id, product_id, sku, quantity, reserved, reorder_threshold, is_active, "
    "low_stock_alerted, created_at, updated_at) "
    "SELECT md5('p' || n)::uuid, 'p' || n, 'SKU' || n, 1000000000, 0, 5, true, false, now(), now() "
    "FROM generate_series(100000, 100000 + %s - 1) AS n"
)


def _connect(stack: Stack, database: str):
    return psycopg.connect(
        host=stack.postgres_socket_dir,
        port=stack.postgres_port,
        user="postgres",
        dbname=database,
        autocommit=True,
    )


def _superuser_args(stack: Stack) -> list[str]:
    return ["-h", stack.postgres_socket_dir, "-p", str(stack.postgres_port), "-U", "postgres"]


def _prepare(stack: Stack, scratch: str) -> None:
    with _connect(stack, "postgres") as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    tables = [f"--table={table}" for table in TABLES]
    schema = subprocess.run(  # noqa: S603 - fixed arguments
        ["/usr/bin/pg_dump", "--schema-only", "--no-owner", "--no-privileges", *tables,
         *_superuser_args(stack), stack.inventory_database],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    # Without pg_dump's psql-only lines (\restrict); its search_path reset lasts only for that session.
    schema = "\n".join(line for line in schema.splitlines() if not line.startswith("\\"))
    with _connect(stack, scratch) as scratch_db:
        scratch_db.execute(schema)
    with _connect(stack, scratch) as scratch_db:
        scratch_db.execute(SEED_ITEMS, (ITEMS,))
        scratch_db.execute("VACUUM ANALYZE")


def _drop(stack: Stack, scratch: str) -> None:
    with _connect(stack, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def _pgbench(stack: Stack, scratch: str, clients: int, seconds: int) -> dict:
    output = subprocess.run(  # noqa: S603 - fixed arguments
        [str(POSTGRES_BIN / "pgbench"), "-n", "-c", str(clients), "-j", str(min(clients, 2)),
         "-T", str(seconds), "-D", f"items={ITEMS}", "-f", str(SCRIPT), *_superuser_args(stack), scratch],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    failed = re.search(r"number of failed transactions: (\d+)", output)
    return {
        "clients": clients,
        "seconds": seconds,
        "tps": round(float(re.search(r"tps = ([\d.]+)", output).group(1)), 1),
        "latency_avg_ms": float(re.search(r"latency average = ([\d.]+) ms", output).group(1)),
        "transactions": int(re.search(r"number of transactions actually processed: (\d+)", output).group(1)),
        "failed": int(failed.group(1)) if failed else 0,
    }


class ReserveBench:
    """The scratch database: ``boot()`` makes it, ``measure()`` runs pgbench, ``stop()`` drops it."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.scratch = f"bench_reserve_{secrets.token_hex(3)}"
        self.made = False

    async def boot(self) -> None:
        self.made = True
        await asyncio.to_thread(_prepare, self.stack, self.scratch)

    async def measure(self, *, client_counts=(2, 8), seconds=4) -> dict:
        runs = []
        for clients in client_counts:
            runs.append(await asyncio.to_thread(_pgbench, self.stack, self.scratch, clients, seconds))
        return {"transaction": "reserve of 3 lines, 15 statements", "items": ITEMS, "runs": runs}

    async def stop(self) -> None:
        if self.made:
            await asyncio.to_thread(_drop, self.stack, self.scratch)

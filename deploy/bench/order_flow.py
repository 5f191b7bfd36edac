"""The whole order flow: ``POST /api/v1/orders/`` until the saga has the order ``confirmed``.

The latency of an order ends at the moment order_svc recorded the confirmation (its ``status_history``),
not when a poll noticed it, so nothing polls during a step: afterwards the step's orders are read back,
a hundred per request, until none is pending. Each step has its own customer, so that list holds exactly
the step's orders. The CPU every kind of process spent between the first order and the last answer is
divided by the orders confirmed.
"""

import asyncio
import random
import time
from collections import Counter

import cpu
import stats
from fixtures import Fixtures
from loadgen import run_step
from timestamps import unix
from waiting import poll

from shared.testing.gateway import Account, Answer, AsyncGateway

ORDERS_PATH = "/api/v1/orders/"
LINES_PER_ORDER = 3  # like the pgbench ceiling's reserve transaction
SETTLE_TIMEOUT_S = 60.0


async def order_flow(fixtures: Fixtures, customer: Account, rate: float, duration: float) -> dict:
    gateway = fixtures.gateway
    token = await gateway.bearer(customer)
    # Which products, not secrets; seeded, so a run and rate always order the same.
    choose = random.Random(f"{fixtures.tag}-{rate}")  # noqa: S311

    async def request(_index):
        items = [{"product_id": p, "quantity": 1} for p in choose.sample(fixtures.stocked, LINES_PER_ORDER)]
        return await gateway.call(
            "POST",
            ORDERS_PATH,
            token=token,
            body={"items": items},
            expect=(201,),
            keep=lambda body: body["id"],
        )

    async with cpu.Sampler() as sampler:
        run = await run_step(request, rate=rate, duration=duration)
        accepted = {s.outcome.body: s for s in run.samples if s.outcome.ok}
        orders = await read_back(gateway, token, set(accepted))

    latencies, completions, errors = [], [], Counter(s.outcome.error for s in run.samples if not s.outcome.ok)
    for order_id, sample in accepted.items():
        confirmed = confirmed_at(orders.get(order_id))
        if confirmed is None:
            errors[f"order_{orders.get(order_id, {}).get('status', 'missing')}"] += 1
            continue
        latencies.append(confirmed - run.wall(sample.scheduled))
        completions.append(confirmed)
    # CPU from the first order to the last confirmation, not the reading back that came after.
    spent, window = sampler.spent_between(run.wall(run.start), max(completions, default=time.time()))
    return stats.summarize(
        offered_rps=rate,
        duration_s=duration,
        sent=len(run.samples),
        latencies_s=latencies,
        completions=completions,
        errors=errors,
        client_cpu_s=run.client_cpu_s,
        extra={
            "confirmed": len(latencies),
            "post": stats.latency_ms([s.latency for s in accepted.values()]),
            "cpu_window_s": round(window, 1),
            "cpu_s": spent,
            "cpu_ms_per_order": cpu.per_unit(spent, len(latencies)),
        },
    )


def confirmed_at(order: dict | None) -> float | None:
    if not order or order["status"] != "confirmed":
        return None
    return next(unix(entry["at"]) for entry in order["status_history"] if entry["status"] == "confirmed")


async def read_back(
    gateway: AsyncGateway, token: str, wanted: set[str], timeout: float = SETTLE_TIMEOUT_S
) -> dict:
    """The customer's orders by id, once none of ``wanted`` is pending (or ``timeout`` passed)."""
    latest: dict = {}

    async def settled():
        orders = {}
        offset = 0
        while True:
            page = await gateway.must(
                "GET", ORDERS_PATH, token=token, params={"limit": 100, "offset": offset}
            )
            orders.update((order["id"], order) for order in page["results"])
            if not page["next"]:
                break
            offset += 100
        latest.update(orders)
        return all(orders.get(i, {}).get("status", "pending") != "pending" for i in wanted)

    await asyncio.sleep(1.0)  # the last orders are still on their way; reading costs the platform too
    await poll(settled, timeout=timeout, interval=1.0)
    return latest


async def order_once(gateway: AsyncGateway, customer: Account, items: list[dict]) -> Answer:
    return await gateway.call(
        "POST",
        ORDERS_PATH,
        token=await gateway.bearer(customer),
        body={"items": items},
        expect=(201,),
        keep=lambda body: body["id"],
    )

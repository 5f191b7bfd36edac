"""Product created → its inventory item visible: product_svc's outbox relay, Kafka, inventory's consumer.

Staff create products at the offered rate; the latency of each ends at the item's own ``updated_at``
(set when inventory created it, nothing changes it before it is read back), so reading the items back
after the step costs nothing to the figures. The products made here have big stock and become the pool
the order flow and the uncached reads use.
"""

from collections import Counter

import stats
from fixtures import BIG_STOCK, Fixtures, product_body
from loadgen import run_step
from timestamps import unix
from waiting import gather_limited, poll

ITEM_TIMEOUT_S = 60.0


async def product_to_item(fixtures: Fixtures, rate: float, duration: float) -> dict:
    gateway = fixtures.gateway
    token = await gateway.bearer(fixtures.staff)
    first = len(fixtures.products)

    async def request(index):
        sku = fixtures.sku("P", first + index)
        return await gateway.call(
            "POST",
            "/api/v1/products/",
            token=token,
            body=product_body(sku, fixtures.category, BIG_STOCK),
            expect=(201,),
            keep=lambda body: body["id"],
        )

    run = await run_step(request, rate=rate, duration=duration)
    created = {s.outcome.body: s for s in run.samples if s.outcome.ok}
    fixtures.products.extend(created)
    items = await gather_limited([_item_when_visible(fixtures, p) for p in created])

    errors = Counter(s.outcome.error for s in run.samples if not s.outcome.ok)
    latencies, completions = [], []
    for (product_id, sample), item in zip(created.items(), items, strict=True):
        if item is None:
            errors["item_not_visible"] += 1
            continue
        fixtures.stocked.append(product_id)
        visible = unix(item["updated_at"])
        latencies.append(visible - run.wall(sample.scheduled))
        completions.append(visible)
    return stats.summarize(
        offered_rps=rate,
        duration_s=duration,
        sent=len(run.samples),
        latencies_s=latencies,
        completions=completions,
        errors=errors,
        client_cpu_s=run.client_cpu_s,
        extra={"post": stats.latency_ms([s.latency for s in created.values()])},
    )


async def _item_when_visible(fixtures: Fixtures, product_id: str) -> dict | None:
    return await poll(lambda: fixtures.inventory_item(product_id), timeout=ITEM_TIMEOUT_S)

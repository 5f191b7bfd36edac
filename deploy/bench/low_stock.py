"""Low stock → email in Mailpit: inventory's outbox relay, the Redis stream, notification_svc's listener
and its SMTP send.

Each request is an order of 6 units of its own product stocked with 10 (threshold 5), so each order takes
one product below its threshold: one alert, one email. The latency runs from the moment inventory
recorded the crossing (the item's ``updated_at``, written by the reservation that crossed) to the
moment Mailpit received the email (its ``Created``); the end-to-end time from the order's scheduled
send is reported beside it. The emails are deleted from Mailpit afterwards.
"""

from collections import Counter

import stats
from fixtures import LOW_STOCK, Fixtures
from loadgen import run_step
from order_flow import order_once
from timestamps import unix
from waiting import gather_limited, poll

from shared.testing.gateway import Account, Answer, AsyncGateway

CROSSING_QUANTITY = 6
MAIL_TIMEOUT_S = 45.0


async def low_stock_email(
    fixtures: Fixtures, mailpit: AsyncGateway, customer: Account, rate: float, duration: float
) -> dict:
    count = max(1, round(rate * duration))
    first = len(fixtures.products)
    products = await gather_limited(
        [fixtures.create_product("L", first + n, LOW_STOCK) for n in range(count)], limit=4
    )
    products = await fixtures.wait_for_items(products)
    if not products:
        raise TimeoutError("no low-stock product reached inventory")

    async def request(index):
        if index >= len(products):  # its product did not reach inventory in time
            return Answer(error="no_product")
        return await order_once(
            fixtures.gateway, customer, [{"product_id": products[index], "quantity": CROSSING_QUANTITY}]
        )

    run = await run_step(request, rate=rate, duration=duration)
    ordered = {products[s.index]: s for s in run.samples if s.outcome.ok}
    found = await gather_limited([_crossing_and_email(fixtures, mailpit, p) for p in ordered])

    errors = Counter(s.outcome.error for s in run.samples if not s.outcome.ok)
    latencies, end_to_end, completions, message_ids = [], [], [], []
    for (_product, sample), (crossed, message) in zip(ordered.items(), found, strict=True):
        if message is None or crossed is None:
            errors["no_email"] += 1
            continue
        received = unix(message["Created"])
        message_ids.append(message["ID"])
        latencies.append(received - crossed)
        end_to_end.append(received - run.wall(sample.scheduled))
        completions.append(received)
    if message_ids:
        await mailpit.call("DELETE", "/api/v1/messages", body={"IDs": message_ids})
    return stats.summarize(
        offered_rps=rate,
        duration_s=duration,
        sent=len(run.samples),
        latencies_s=latencies,
        completions=completions,
        errors=errors,
        client_cpu_s=run.client_cpu_s,
        extra={"from_order_post": stats.latency_ms(end_to_end)},
    )


async def _crossing_and_email(fixtures: Fixtures, mailpit: AsyncGateway, product_id: str):
    """(the moment the item crossed its threshold, the Mailpit message) or (None, None)."""
    sku = fixtures.skus[product_id]

    async def email():
        return (await mailpit.must("GET", "/api/v1/search", params={"query": sku}))["messages"]

    messages = await poll(email, timeout=MAIL_TIMEOUT_S)
    if not messages:
        return None, None
    item = await poll(lambda: fixtures.inventory_item(product_id), timeout=30)
    return (unix(item["updated_at"]) if item else None), messages[0]

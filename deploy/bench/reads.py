"""Catalog reads through the gateway, with product_svc's Redis cache hit and missed.

Cached: the same list query, or a small hot set of products, read over and over (the first read of
each, before the step, fills the cache). Uncached: every list query differs (a ``max_price`` above
every price, unique per request, so the results are the same but the cache key is new); product reads
walk a pool of products, each read at most once per cache generation. product_svc's cache has one
version for the whole catalog, bumped by every write; a PATCH of a spare product whenever half of the
pool has been read starts a new generation, and a product goes back into the pool only if its read
finished before that PATCH was sent (so it cannot have been cached under the new version).
"""

import asyncio
from collections import deque

import stats
from fixtures import Fixtures
from loadgen import run_step

LIST_PATH = "/api/v1/products/"


async def list_cached(fixtures: Fixtures, rate: float, duration: float) -> dict:
    gateway = fixtures.gateway
    params = {"category": fixtures.category, "limit": 20}
    await gateway.must("GET", LIST_PATH, params=params)  # fill the cache

    async def request(_index):
        return await gateway.call("GET", LIST_PATH, params=params)

    return stats.summarize_run(await run_step(request, rate=rate, duration=duration))


class UniquePrices:
    """``max_price`` values above every bench price, never repeated within a run."""

    def __init__(self):
        self.next = 0

    def take(self) -> str:
        self.next += 1
        return f"{900_000 + self.next / 100:.2f}"


_PRICES = UniquePrices()


async def list_uncached(fixtures: Fixtures, rate: float, duration: float) -> dict:
    gateway = fixtures.gateway

    async def request(_index):
        params = {"category": fixtures.category, "limit": 20, "max_price": _PRICES.take()}
        return await gateway.call("GET", LIST_PATH, params=params)

    return stats.summarize_run(await run_step(request, rate=rate, duration=duration))


async def get_cached(fixtures: Fixtures, rate: float, duration: float) -> dict:
    gateway = fixtures.gateway
    hot = fixtures.stocked[:10]
    for product_id in hot:
        await gateway.must("GET", f"{LIST_PATH}{product_id}")

    async def request(index):
        return await gateway.call("GET", f"{LIST_PATH}{hot[index % len(hot)]}")

    return stats.summarize_run(await run_step(request, rate=rate, duration=duration))


class CacheGenerations:
    """Hands out products not read since the catalog's cache version last changed (see module doc)."""

    def __init__(self, fixtures: Fixtures, spare_product: str):
        self.fixtures = fixtures
        self.spare = spare_product
        self.fresh = deque(fixtures.stocked)
        self.read: list[tuple[str, float]] = []  # (product, loop time its read finished)
        self.bumping: asyncio.Task | None = None
        self.bumps = 0
        self.reused = 0  # reads of a product that may still have been cached (pool ran dry)

    def take(self) -> str:
        if len(self.fresh) < len(self.fixtures.stocked) // 2 and self.bumping is None:
            self.bumping = asyncio.create_task(self.bump())
        if self.fresh:
            return self.fresh.popleft()
        self.reused += 1
        if self.read:
            product, _ = self.read.pop(0)
            return product
        # Every product is being read right now: the rate outran the pool; any one will do.
        return self.fixtures.stocked[self.reused % len(self.fixtures.stocked)]

    def finished(self, product: str) -> None:
        self.read.append((product, asyncio.get_running_loop().time()))

    async def bump(self):
        loop = asyncio.get_running_loop()
        sent = loop.time()
        staff = self.fixtures.staff
        self.bumps += 1
        await self.fixtures.gateway.must(
            "PATCH",
            f"{LIST_PATH}{self.spare}",
            token=await self.fixtures.gateway.bearer(staff),
            body={"description": f"cache generation {self.bumps}"},
        )
        safe = [entry for entry in self.read if entry[1] < sent]
        self.read = [entry for entry in self.read if entry[1] >= sent]
        self.fresh.extend(product for product, _ in safe)
        self.bumping = None


async def get_uncached(fixtures: Fixtures, rate: float, duration: float) -> dict:
    gateway = fixtures.gateway
    generations = CacheGenerations(fixtures, fixtures.spare_product)
    await generations.bump()  # nothing read before this step counts as cached

    async def request(_index):
        product = generations.take()
        outcome = await gateway.call("GET", f"{LIST_PATH}{product}")
        generations.finished(product)
        return outcome

    run = await run_step(request, rate=rate, duration=duration)
    if generations.bumping:
        await generations.bumping
    extra = {"cache_generations": generations.bumps, "possibly_cached_reads": generations.reused}
    if generations.reused > 0.01 * max(len(run.samples), 1):
        # Then it measured the cache too: the step does not count (stepping.judge).
        extra["invalid"] = f"{generations.reused} reads may have been cached (the product pool ran dry)"
    return stats.summarize_run(run, extra=extra)

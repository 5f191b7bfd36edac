"""Set-up that waits: coroutines run a few at a time, and a probe called until it finds something."""

import asyncio

from shared.testing.gateway import Refused


async def gather_limited(coroutines, limit: int = 8) -> list:
    """Run set-up coroutines a few at a time (set-up is not measured, and must not overload anything)."""
    semaphore = asyncio.Semaphore(limit)

    async def guarded(coroutine):
        async with semaphore:
            return await coroutine

    return await asyncio.gather(*(guarded(c) for c in coroutines))


async def poll(probe, *, timeout: float, interval: float = 0.5):
    """Call ``probe()`` until it returns something truthy; return it, or None after ``timeout`` seconds.
    A refused or failed call (a 5xx, a gateway timeout, a dropped connection: ``Refused`` from
    ``AsyncGateway.must``) counts as "not yet": the platform under load may answer slowly, and the answer
    is what is being waited for."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            value = await probe()
        except Refused:
            value = None
        if value or loop.time() >= deadline:
            return value
        await asyncio.sleep(interval)

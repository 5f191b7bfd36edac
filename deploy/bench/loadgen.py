"""The open-loop load generator: requests leave at the offered rate whatever the answers do.

A closed-loop client (N users, each waiting for its answer before the next request) slows down exactly
when the server does, so it never sees the queue it would have built and under-reports latency
("coordinated omission"). Here request ``i`` is due at ``start + i / rate``; it is sent then even if
earlier ones are still waiting, and its latency is counted from that due time, so time spent queued in
the client (a full connection pool, a busy event loop) is charged to the system, as a user would feel it.
One asyncio process with aiohttp costs far less CPU per request than locust's greenlets, which matters
on a 2-core machine where the client shares the CPU with the platform it measures.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
import psutil

from shared.testing.gateway import Answer


@dataclass
class Sample:
    index: int
    scheduled: float  # loop time the request was due
    sent: float  # loop time it actually left (sent - scheduled is the client's own lag)
    done: float
    outcome: Answer  # ``error`` names a failure (``http_429``, ``timeout``, ...); ``body`` what was kept

    @property
    def latency(self) -> float:
        return self.done - self.scheduled


@dataclass
class StepRun:
    offered_rps: float
    duration_s: float
    start: float  # loop time of the first due request
    wall_offset: float  # add to a loop time to get the Unix time (server timestamps are wall clock)
    samples: list[Sample]
    client_cpu_s: float
    extra: dict = field(default_factory=dict)

    def wall(self, loop_time: float) -> float:
        return loop_time + self.wall_offset


Request = Callable[[int], Awaitable[Answer]]


async def run_step(
    request: Request, *, rate: float, duration: float, max_in_flight: int = 2000, timeout: float = 30.0
) -> StepRun:
    """Offer ``request(i)`` at ``rate`` per second for ``duration`` seconds; wait for every answer."""
    loop = asyncio.get_running_loop()
    count = max(1, round(rate * duration))
    interval = 1.0 / rate
    me = psutil.Process()
    cpu_before = sum(me.cpu_times()[:2])
    start = loop.time() + 0.02
    wall_offset = time.time() - loop.time()
    samples: list[Sample] = []
    in_flight = 0

    async def one(index: int, scheduled: float) -> None:
        nonlocal in_flight
        sent = loop.time()
        if in_flight >= max_in_flight:  # the client refuses to queue more: counted, never hidden
            samples.append(Sample(index, scheduled, sent, sent, Answer(error="client_overload")))
            return
        in_flight += 1
        try:
            outcome = await asyncio.wait_for(request(index), timeout)
        except TimeoutError:
            outcome = Answer(error="timeout")
        except aiohttp.ClientError as exc:
            outcome = Answer(error=type(exc).__name__)
        finally:
            in_flight -= 1
        samples.append(Sample(index, scheduled, sent, loop.time(), outcome))

    tasks = []
    index = 0
    while index < count:
        now = loop.time()
        due = start + index * interval
        if due > now:
            await asyncio.sleep(due - now)
            continue
        # Everything due by now leaves now (after a late wake-up that is several requests at once).
        while index < count and start + index * interval <= now:
            tasks.append(asyncio.create_task(one(index, start + index * interval)))
            index += 1
    await asyncio.gather(*tasks)
    samples.sort(key=lambda sample: sample.index)
    return StepRun(
        offered_rps=rate,
        duration_s=duration,
        start=start,
        wall_offset=wall_offset,
        samples=samples,
        client_cpu_s=sum(me.cpu_times()[:2]) - cpu_before,
    )


def new_session(limit: int = 512) -> aiohttp.ClientSession:
    """One pooled, keep-alive session for a whole run (connection set-up is not what we measure)."""
    connector = aiohttp.TCPConnector(limit=limit, ttl_dns_cache=None, force_close=False)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None))

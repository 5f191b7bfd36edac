"""Idle cost: the CPU the whole stack spends while nobody uses it.

Nothing is sent for ``seconds`` (60 in a full run); the CPU every kind of process spent meanwhile is
read from /proc (cpu.py) and reported in CPU-milliseconds per second of wall time (1,000 = one core
busy), per kind and in all. What a stack costs at rest is what polling loops, heartbeats and brokers'
housekeeping cost: on a shared machine or a small VM it is taken from everything else.

    .venv/bin/python deploy/bench/idle.py [seconds]      # this measurement alone
"""

import asyncio
import sys
import time

import cpu


async def idle_cost(seconds: float) -> dict:
    before, started = cpu.snapshot(), time.monotonic()
    await asyncio.sleep(seconds)
    after, wall = cpu.snapshot(), time.monotonic() - started
    spent = cpu.spent(before, after)
    spent.pop(cpu.LOAD_GENERATOR, None)
    machine = spent.pop("machine_busy")
    other = spent.pop("other")
    per_kind = {kind: round(value * 1000 / wall, 1) for kind, value in spent.items()}
    return {
        "seconds": round(wall, 1),
        "stack_cpu_ms_per_s": round(sum(spent.values()) * 1000 / wall, 1),
        "machine_cpu_ms_per_s": round(machine * 1000 / wall, 1),
        "other_cpu_ms_per_s": round(other * 1000 / wall, 1),
        "by_kind": dict(sorted(per_kind.items(), key=lambda item: -item[1])),
    }


if __name__ == "__main__":
    result = asyncio.run(idle_cost(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0))
    print(
        f"stack: {result['stack_cpu_ms_per_s']} CPU-ms/s over {result['seconds']} s "
        f"(machine {result['machine_cpu_ms_per_s']}, other {result['other_cpu_ms_per_s']})"
    )
    for kind, value in result["by_kind"].items():
        print(f"  {kind:28} {value:8.1f}")

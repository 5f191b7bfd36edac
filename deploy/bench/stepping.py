"""Stepped offered load: double the rate until latency or errors climb, then bisect towards the knee."""

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ladder:
    start: float  # first offered rate, per second
    factor: float = 2.0
    max_rate: float = 20_000.0
    max_steps: int = 7  # climbing steps; then ``refine`` bisection steps between the last good and first bad
    refine: int = 1
    duration_s: float = 4.0
    pause_s: float = 1.0  # between steps, so one step's leftovers do not land in the next


@dataclass(frozen=True)
class Limits:
    """When a step no longer counts as sustained."""

    p99_ms: float
    max_error_ratio: float = 0.01
    min_delivery: float = 0.9  # delivered / offered


def judge(summary: dict, limits: Limits) -> str | None:
    """None if the step was sustained, else what broke first."""
    sent = max(summary["sent"], 1)
    if summary.get("invalid"):
        return summary["invalid"]
    if summary["error_count"] / sent > limits.max_error_ratio:
        top = max(summary["errors"], key=summary["errors"].get)
        return f"errors {summary['error_count']}/{sent} (mostly {top})"
    if summary["p99_ms"] is None or summary["p99_ms"] > limits.p99_ms:
        return f"p99 {summary['p99_ms']} ms > {limits.p99_ms:g} ms"
    if summary["throughput_rps"] < limits.min_delivery * summary["offered_rps"]:
        return f"delivered {summary['throughput_rps']}/s of {summary['offered_rps']}/s offered"
    return None


StepFunction = Callable[[float, float], Awaitable[dict]]


async def climb(step: StepFunction, ladder: Ladder, limits: Limits) -> dict:
    """Run ``step(rate, duration)`` up the ladder; return every step and the knee."""
    steps: list[dict] = []
    good, bad = None, None

    async def run(rate):
        nonlocal good, bad
        if steps:
            await asyncio.sleep(ladder.pause_s)
        summary = await step(rate, ladder.duration_s)
        summary["limit"] = judge(summary, limits)
        summary["sustained"] = summary["limit"] is None
        steps.append(summary)
        if summary["sustained"]:
            good = rate if good is None else max(good, rate)
        else:
            bad = rate if bad is None else min(bad, rate)

    rate = ladder.start
    while len(steps) < ladder.max_steps and rate <= ladder.max_rate and bad is None:
        await run(rate)
        rate *= ladder.factor
    for _ in range(ladder.refine):
        if good is None or bad is None:
            break
        await run(math.sqrt(good * bad))
    return knee(steps)


def knee(steps: list[dict]) -> dict:
    steps = sorted(steps, key=lambda s: s["offered_rps"])
    sustained = [s for s in steps if s["sustained"]]
    best = max(sustained, key=lambda s: s["throughput_rps"]) if sustained else None
    first_bad = next(
        (s for s in steps if not s["sustained"] and (not best or s["offered_rps"] > best["offered_rps"])),
        None,
    )
    return {
        "steps": steps,
        "max_sustained_rps": best["throughput_rps"] if best else 0.0,
        "at_knee": best,
        "lowest": steps[0] if steps else None,  # what to show when not even the first step was sustained
        "peak_rps": max((s["throughput_rps"] for s in steps), default=0.0),
        "limited_by": first_bad["limit"] if first_bad else "not reached (ladder ended)",
    }

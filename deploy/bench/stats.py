"""Figures of one step: latency percentiles, error counts and the throughput the system delivered."""

from collections import Counter


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks; None for no values."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def latency_ms(latencies_s: list[float]) -> dict:
    values = sorted(latencies_s)

    def ms(fraction):
        value = percentile(values, fraction)
        return None if value is None else round(value * 1000, 1)

    return {"p50_ms": ms(0.50), "p95_ms": ms(0.95), "p99_ms": ms(0.99), "max_ms": ms(1.0)}


def delivered_rate(completions: list[float], offered_rps: float) -> float:
    """Completions per second over the time they took to come out, plus one offered interval (n answers
    to requests sent 1/rate apart span (n-1)/rate): while the system keeps up this is the offered rate;
    when it cannot, it is what the system can do, whatever is offered."""
    if not completions:
        return 0.0
    span = max(completions) - min(completions)
    return len(completions) / (span + 1.0 / offered_rps)


def summarize(
    *, offered_rps, duration_s, sent, latencies_s, completions, errors: Counter, client_cpu_s, extra=None
) -> dict:
    """One step's figures. ``latencies_s`` and ``completions`` cover the successful requests only."""
    return {
        "offered_rps": round(offered_rps, 2),
        "duration_s": round(duration_s, 2),
        "sent": sent,
        "ok": len(latencies_s),
        "errors": dict(errors),
        "error_count": sum(errors.values()),
        "throughput_rps": round(delivered_rate(completions, offered_rps), 2),
        **latency_ms(latencies_s),
        "client_cpu_s": round(client_cpu_s, 2),
        **(extra or {}),
    }


def summarize_run(run, *, extra=None) -> dict:
    """The figures of a plain request/response step (loadgen.StepRun)."""
    good = [s for s in run.samples if s.outcome.ok]
    lags = sorted(s.sent - s.scheduled for s in run.samples)
    lag_p99 = percentile(lags, 0.99) or 0.0
    return summarize(
        offered_rps=run.offered_rps,
        duration_s=run.duration_s,
        sent=len(run.samples),
        latencies_s=[s.latency for s in good],
        completions=[s.done for s in good],
        errors=Counter(s.outcome.error for s in run.samples if not s.outcome.ok),
        client_cpu_s=run.client_cpu_s,
        extra={"client_lag_p99_ms": round(lag_p99 * 1000, 1), **(extra or {})},
    )

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


def delivered_rate(completions: list[float], fallback_span: float) -> float:
    """Completions per second between the first and the last completion: while the system keeps up this
    is the offered rate; when it cannot, it is what the system can do, whatever is offered."""
    if not completions:
        return 0.0
    if len(completions) < 3:
        return len(completions) / fallback_span
    span = max(completions) - min(completions)
    return (len(completions) - 1) / span if span > 0 else len(completions) / fallback_span


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
        "throughput_rps": round(delivered_rate(completions, duration_s), 2),
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

"""The report in two forms: JSON (everything, for tools) and Markdown (the figures, for people)."""

import json
from pathlib import Path


def write_json(report: dict, path: Path) -> None:
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")


def _ms(value) -> str:
    return "—" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _rate(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _sustained(entry: dict) -> str:
    if entry.get("at_knee"):
        return _rate(entry["max_sustained_rps"])
    lowest = entry.get("lowest")
    return f"< {_rate(lowest['offered_rps'])} (figures at that step)" if lowest else "—"


def _platform_table(report: dict) -> list[str]:
    rows = [
        "| figure | sustained | p50 ms | p95 ms | p99 ms | errors (all steps) | next step broke on | "
        "ceiling | ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for entry in report["scenarios"].values():
        knee = entry.get("at_knee") or entry.get("lowest") or {}
        errors = sum(step["error_count"] for step in entry.get("steps", []))
        sent = sum(step["sent"] for step in entry.get("steps", []))
        ratio = entry.get("ratio_to_ceiling")
        rows.append(
            f"| {entry['title']} | {_sustained(entry)} {entry['unit']} "
            f"| {_ms(knee.get('p50_ms'))} | {_ms(knee.get('p95_ms'))} | {_ms(knee.get('p99_ms'))} "
            f"| {errors}/{sent} | {entry.get('limited_by', '—')} | {entry.get('ceiling_label', '—')} "
            f"| {'—' if ratio is None else f'{ratio:.2f}'} |"
        )
    return rows


def _ceiling_lines(ceilings: dict) -> list[str]:
    lines = ["| ceiling | figure | how |", "|---|---|---|"]
    for name, entry in ceilings.items():
        if not isinstance(entry, dict) or "rate" not in entry:
            continue
        lines.append(f"| {entry['title']} | {_rate(entry['rate'])} {entry['unit']} | {entry['how']} |")
        if name == "pgbench_reserve":
            for run in entry["runs"]:
                lines.append(
                    f"| ↳ {run['clients']} clients | {_rate(run['tps'])} TPS, "
                    f"{run['latency_avg_ms']:.1f} ms average | {run['transactions']} transactions |"
                )
    return lines


def _cpu_table(order_flow: dict) -> list[str]:
    knee = order_flow.get("at_knee") or order_flow.get("lowest") or {}
    per_order = knee.get("cpu_ms_per_order") or {}
    if not per_order:
        return []
    lines = [
        f"CPU per confirmed order at {_rate(knee['offered_rps'])} orders/s offered "
        f"({knee['confirmed']} orders), by process kind (with children), in milliseconds:",
        "",
        "| process kind | CPU ms / order |",
        "|---|---|",
    ]
    machine = {"machine_busy", "other"}
    lines += [
        f"| {kind} | {value:.1f} |"
        for kind, value in per_order.items()
        if value >= 0.05 and kind not in machine
    ]
    lines += [
        "",
        f"The whole machine was busy {per_order.get('machine_busy', 0):.1f} ms per order, of which "
        f"{per_order.get('other', 0):.1f} ms in programs outside the stack and the benchmark.",
    ]
    return lines


def _steps_tables(report: dict) -> list[str]:
    lines = []
    sections = list(report["scenarios"].values()) + [
        entry for entry in report["ceilings"].values() if isinstance(entry, dict) and entry.get("steps")
    ]
    for entry in sections:
        lines += [
            "",
            f"### {entry['title']}",
            "",
            "| offered /s | delivered /s | p50 ms | p95 ms | p99 ms | errors | sustained |",
            "|---|---|---|---|---|---|---|",
        ]
        for step in entry.get("steps", []):
            errors = ", ".join(f"{kind} {count}" for kind, count in step["errors"].items()) or "0"
            lines.append(
                f"| {_rate(step['offered_rps'])} | {_rate(step['throughput_rps'])} | {_ms(step['p50_ms'])} "
                f"| {_ms(step['p95_ms'])} | {_ms(step['p99_ms'])} | {errors} "
                f"| {'yes' if step['sustained'] else 'no: ' + step['limit']} |"
            )
    return lines


def _idle_lines(idle: dict | None) -> list[str]:
    if not idle:
        return ["Not measured in this run."]
    busiest = ", ".join(f"{kind} {value:,.1f}" for kind, value in list(idle["by_kind"].items())[:5])
    return [
        f"In {idle['seconds']:.0f} s without traffic the stack's processes used "
        f"**{idle['stack_cpu_ms_per_s']:,.1f} CPU-ms per second** (1,000 = one core busy); the machine as "
        f"a whole {idle['machine_cpu_ms_per_s']:,.1f}. Busiest: {busiest}.",
    ]


def write_markdown(report: dict, path: Path, notes: list[str]) -> None:
    meta = report["meta"]
    machine = meta["machine"]
    lines = [
        f"# Benchmark report ({meta['mode']})",
        "",
        f"`{meta['command']}` on commit `{meta['git_commit']}`, {meta['started_at']}, "
        f"{meta['duration_s']:.0f} s. "
        f"Machine: {machine['cores']} cores ({machine['cpu_model']}), {machine['memory_gib']} GiB, "
        f"{machine['os']}, Python {machine['python']}. Gateway {meta['gateway_url']}.",
        "",
        "## Platform, through the gateway",
        "",
        "Sustained: the highest offered rate with at most 1 % errors, p99 under the scenario's bound and at "
        "least 90 % of it delivered; latencies are at that rate. The ratio divides it by its ceiling.",
        "",
        *_platform_table(report),
        "",
        "## At rest",
        "",
        *_idle_lines(report.get("idle")),
        "",
        "## Ceilings of this machine",
        "",
        *_ceiling_lines(report["ceilings"]),
        "",
        "## Order flow",
        "",
        *_cpu_table(report["scenarios"].get("order_flow", {})),
        "",
        "## Notes",
        "",
        *[f"- {note}" for note in notes],
        "",
        "## Every step",
        *_steps_tables(report),
        "",
    ]
    path.write_text("\n".join(lines))

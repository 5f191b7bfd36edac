"""The report's picture: for every stepped measurement, delivered throughput and p99 latency against the
offered load (log-log), with the line where delivered equals offered."""

import math

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter


def _panels(report: dict) -> list[tuple[str, dict]]:
    panels = [(entry["title"], entry) for entry in report["scenarios"].values() if entry.get("steps")]
    panels += [
        (entry["title"], entry)
        for entry in report["ceilings"].values()
        if isinstance(entry, dict) and entry.get("steps")
    ]
    return panels


def _plain_ticks(axis) -> None:
    """Label a log axis at 1, 2 and 5 times powers of ten, as plain numbers, without minor labels."""
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(ScalarFormatter())
    axis.set_minor_formatter(NullFormatter())


def write(report: dict, path) -> None:
    panels = _panels(report)
    columns = 3
    rows = max(1, math.ceil(len(panels) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(5.2 * columns, 3.6 * rows), squeeze=False)
    for axis in axes.flat[len(panels) :]:
        axis.set_visible(False)
    for axis, (title, entry) in zip(axes.flat, panels, strict=False):
        steps = entry["steps"]
        offered = [step["offered_rps"] for step in steps]
        delivered = [step["throughput_rps"] for step in steps]
        p99 = [step["p99_ms"] for step in steps]
        axis.plot(offered, delivered, "o-", color="tab:blue", label="delivered /s")
        axis.plot(offered, offered, ":", color="grey", linewidth=1, label="offered")
        axis.set_xscale("log")
        axis.set_yscale("log")
        _plain_ticks(axis.xaxis)
        _plain_ticks(axis.yaxis)
        axis.set_xlabel("offered per second")
        axis.set_ylabel(f"delivered {entry.get('unit', 'per second')}", color="tab:blue")
        axis.set_title(title, fontsize=10)
        latency = axis.twinx()
        points = [(x, y) for x, y in zip(offered, p99, strict=True) if y]
        if points:
            latency.plot(*zip(*points, strict=True), "s--", color="tab:red", label="p99 ms")
            latency.set_yscale("log")
            _plain_ticks(latency.yaxis)
        latency.set_ylabel("p99 latency, ms", color="tab:red")
        for step in steps:
            if not step["sustained"]:
                axis.axvline(step["offered_rps"], color="tab:orange", alpha=0.25, linewidth=6)
    machine = report["meta"]["machine"]
    figure.suptitle(
        f"Throughput and p99 against offered load — {machine['cores']} cores, {machine['memory_gib']} GiB; "
        "shaded: not sustained",
        fontsize=11,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)

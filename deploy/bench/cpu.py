"""CPU seconds spent by each kind of process of the stack, from /proc through psutil.

A kind is a pid file's name without its instance number (``order-web-1`` and ``order-web-2`` are
``order-web``); each root counts with all its descendants (gunicorn workers, Celery prefork children,
PostgreSQL backends). A process's total is its own user+system time plus that of its children already
reaped (``children_user``/``children_system``), so short-lived children (a PostgreSQL backend for one
connection) are not lost between two snapshots.
"""

import asyncio
import os
import time

import psutil
import stack

LOAD_GENERATOR = "load-generator"


Snapshot = dict[str, dict[tuple[int, float], float]]


def _tree(root: psutil.Process, into: dict[tuple[int, float], float]) -> None:
    try:
        family = [root, *root.children(recursive=True)]
    except psutil.Error:
        return
    for process in family:
        try:
            with process.oneshot():
                times = process.cpu_times()
                key = (process.pid, process.create_time())
        except psutil.Error:
            continue
        into[key] = times.user + times.system + times.children_user + times.children_system


def snapshot() -> Snapshot:
    """CPU seconds so far of every process, by kind; also the benchmark's own process tree and the whole
    machine (``machine_busy``). Processes are keyed by pid and start time, so a restarted process is a
    new one rather than a negative difference."""
    kinds: Snapshot = {}
    for kind, pids in stack.process_roots().items():
        for pid in pids:
            try:
                _tree(psutil.Process(pid), kinds.setdefault(kind, {}))
            except psutil.Error:
                continue
    _tree(psutil.Process(os.getpid()), kinds.setdefault(LOAD_GENERATOR, {}))
    machine = psutil.cpu_times()
    busy = machine.user + machine.nice + machine.system + machine.irq + machine.softirq
    kinds["machine_busy"] = {(0, 0.0): busy}
    return kinds


def spent(before: Snapshot, after: Snapshot) -> dict[str, float]:
    """Seconds spent per kind between two snapshots, plus ``other``: the machine's busy time that no kind
    of the stack or the benchmark accounts for (other programs on the machine). A process that appeared
    in between counts whole; one that vanished counts nothing (its last moments are lost)."""
    delta = {}
    for kind, processes in after.items():
        earlier = before.get(kind, {})
        delta[kind] = sum(max(0.0, value - earlier.get(key, 0.0)) for key, value in processes.items())
    accounted = sum(value for kind, value in delta.items() if kind != "machine_busy")
    delta["other"] = max(0.0, delta["machine_busy"] - accounted)
    return {kind: round(value, 3) for kind, value in delta.items()}


def per_unit(spent_seconds: dict[str, float], units: int) -> dict[str, float]:
    """CPU milliseconds per unit of work (per order, per request), largest first."""
    if units <= 0:
        return {}
    rows = {kind: round(value * 1000 / units, 2) for kind, value in spent_seconds.items()}
    return dict(sorted(rows.items(), key=lambda item: -item[1]))


class Sampler:
    """Snapshots every ``interval`` seconds in the background, so the CPU of a window that ends at a
    moment known only afterwards (the last order confirmed) can be read without what came after it
    (reading the results back)."""

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.samples: list[tuple[float, Snapshot]] = []
        self._task: asyncio.Task | None = None

    async def __aenter__(self):
        self.samples.append((time.time(), snapshot()))
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *_exc):
        self._task.cancel()
        self.samples.append((time.time(), snapshot()))

    async def _run(self):
        while True:
            await asyncio.sleep(self.interval)
            self.samples.append((time.time(), await asyncio.to_thread(snapshot)))

    def spent_between(self, start_wall: float, end_wall: float) -> tuple[dict[str, float], float]:
        """CPU per kind from the last snapshot at or before ``start_wall`` to the first at or after
        ``end_wall``; also the length of that window in seconds."""
        before = max(
            (s for s in self.samples if s[0] <= start_wall), key=lambda s: s[0], default=self.samples[0]
        )
        after = min(
            (s for s in self.samples if s[0] >= end_wall), key=lambda s: s[0], default=self.samples[-1]
        )
        return spent(before[1], after[1]), after[0] - before[0]

"""The run's report: the table of faults by invariants (Markdown) and everything behind it (JSON), written to
``.stack/chaos/<timestamp>/``.

A finding counts in the window its subject was active in (an order: when it was placed; an item: every
window with one of its movements); a violation in the window it happened in. Global findings (outboxes,
queues, constraints) have their own row, checked once the platform has drained.
"""

import json
from bisect import bisect_right
from collections import Counter
from pathlib import Path

from invariants import INVARIANTS, Finding
from ledger import Window

GLOBAL_ROW = "after drain (global)"


def place(windows: list[Window], moment: float) -> str:
    """The name of the window ``moment`` falls in (before the first: the first; after the last: the last)."""
    starts = [window.started for window in windows]
    return windows[max(0, bisect_right(starts, moment) - 1)].name


def tally(windows: list[Window], findings: list[Finding]) -> dict[tuple[str, str], list[int]]:
    """(row, invariant) -> [checked, violated]."""
    cells: dict[tuple[str, str], list[int]] = {}
    for finding in findings:
        rows = {place(windows, moment) for moment in finding.active} or {GLOBAL_ROW}
        for row in rows:
            cells.setdefault((row, finding.invariant), [0, 0])[0] += 1
        if finding.violation:
            if finding.violated_at is not None:
                row = place(windows, finding.violated_at)
            elif finding.active:
                row = place(windows, max(finding.active))
            else:
                row = GLOBAL_ROW
            cell = cells.setdefault((row, finding.invariant), [0, 0])
            cell[1] += 1
            if row not in rows:  # broken in a window it was not otherwise active in: checked there too
                cell[0] += 1
    return cells


def _cell(counts: list[int] | None) -> str:
    if not counts:
        return "·"
    checked, violated = counts
    return f"✗ {violated}/{checked}" if violated else f"✓ {checked}"


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def markdown_table(windows: list[Window], findings: list[Finding], kinds: dict[str, str]) -> str:
    cells = tally(windows, findings)
    header = ["window", "kind", "down s", "start s", "sent", "ok", "failed", *(i.header for i in INVARIANTS)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for window in windows:
        start = _seconds(window.restart_s)
        if window.fault_error and "did not come back" in window.fault_error:
            start = f"✗ {start}"
        row = [window.name, kinds.get(window.name, ""), _seconds(window.down_s), start,
               str(window.sent), str(window.ok), str(window.failed)]  # fmt: skip
        row += [_cell(cells.get((window.name, i.key))) for i in INVARIANTS]
        lines.append("| " + " | ".join(row) + " |")
    globals_row = [GLOBAL_ROW, "", "", "", "", "", ""]
    globals_row += [_cell(cells.get((GLOBAL_ROW, i.key))) for i in INVARIANTS]
    lines.append("| " + " | ".join(globals_row) + " |")
    totals = Counter()
    for window in windows:
        totals.update({"sent": window.sent, "ok": window.ok, "failed": window.failed})
    whole = ["**whole run**", "", "", "", str(totals["sent"]), str(totals["ok"]), str(totals["failed"])]
    for invariant in INVARIANTS:
        mine = [f for f in findings if f.invariant == invariant.key]
        whole.append(_cell([len(mine), sum(1 for f in mine if f.violation)]))
    lines.append("| " + " | ".join(whole) + " |")
    return "\n".join(lines)


def legend() -> str:
    lines = ["`✓ n`: n subjects checked, all kept the promise; `✗ v/n`: v of them broke it; `·`: none in "
             "that window.", ""]  # fmt: skip
    lines += [f"- **{invariant.header}**: {invariant.promise}." for invariant in INVARIANTS]
    return "\n".join(lines)


def violations_text(findings: list[Finding], limit: int = 20) -> str:
    broken = [f for f in findings if f.violation]
    if not broken:
        return "No violations."
    lines = [f"{len(broken)} violation(s):"]
    lines += [f"- {f.invariant}: {f.subject}: {f.violation}" for f in broken[:limit]]
    if len(broken) > limit:
        lines.append(f"- ... and {len(broken) - limit} more (report.json)")
    return "\n".join(lines)


def proof_text(proof: dict[str, dict]) -> str:
    lines = ["| invariant | deliberate corruption | caught |", "|---|---|---|"]
    headers = {invariant.key: invariant.header for invariant in INVARIANTS}
    for key, result in proof.items():
        lines.append(f"| {headers[key]} | {result['mutation']} | {'yes' if result['caught'] else '**no**'} |")
    return "\n".join(lines)


def write(directory: Path, *, markdown: str, data: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "report.md").write_text(markdown + "\n")
    (directory / "report.json").write_text(json.dumps(data, indent=2, default=str) + "\n")

"""The report's notes: how to read the figures, and what this particular run says about itself (other
programs on the machine, a saturated client, the login throttle)."""

GENERAL = [
    "Load: an open-loop asyncio client (aiohttp). Requests leave on schedule whatever the answers do, and "
    "each latency counts from the scheduled send, so queueing anywhere (client included) is in the figures.",
    "Order POST → confirmed ends at the confirmation time order_svc recorded; product → item at the item's "
    "creation time in inventory; low stock → email from the reservation that crossed the threshold to "
    "Mailpit's receipt. Nothing polls during a step; results are read back after it.",
    "Cached and uncached reads differ only in product_svc's Redis cache: uncached lists use a new query "
    "each time, uncached gets a product not read since the last cache invalidation.",
]


def notes_for(report: dict) -> list[str]:
    notes = list(GENERAL)
    notes += _machine_share(report)
    notes += _client_saturation(report)
    notes += _login(report)
    cleanup = report.get("cleanup")
    if cleanup:
        notes.append(
            f"Clean-up: {cleanup['products_deleted']} products deleted through the API, "
            f"{cleanup['orders_removed']} orders removed from order_svc's MongoDB."
        )
    for name, failure in report.get("failures", {}).items():
        notes.append(f"**{name} could not be measured**: {failure}")
    return notes


def _machine_share(report: dict) -> list[str]:
    spent = report["meta"].get("cpu_s_whole_run") or {}
    cores = report["meta"]["machine"]["logical_cpus"]
    duration = report["meta"]["duration_s"]
    if not spent or not duration:
        return []
    other = spent.get("other", 0.0) / (cores * duration)
    busy = spent.get("machine_busy", 0.0) / (cores * duration)
    line = (
        f"The machine was {busy:.0%} busy over the run; programs outside the stack and the benchmark "
        f"took {other:.0%} of it"
    )
    return [line + (" — noisy: figures are lower than on a quiet machine." if other > 0.1 else ".")]


def _client_saturation(report: dict) -> list[str]:
    notes = []
    for entry in [*report["scenarios"].values(), *report["ceilings"].values()]:
        for step in entry.get("steps", []) if isinstance(entry, dict) else []:
            if step["client_cpu_s"] > 0.85 * step["duration_s"]:
                notes.append(
                    f"{entry['title']}: the client used {step['client_cpu_s']:.1f} CPU-seconds in a "
                    f"{step['duration_s']:g} s step at {step['offered_rps']:g}/s — the client, not the "
                    "server, bounds that step."
                )
                break
    return notes


def _login(report: dict) -> list[str]:
    entry = report["scenarios"].get("login")
    if not entry:
        return []
    throttled = sum(step.get("throttled", 0) for step in entry["steps"])
    costs = [
        step["user_web_cpu_ms_per_login"] for step in entry["steps"] if step.get("user_web_cpu_ms_per_login")
    ]
    line = (
        "Login: user_svc allows 30 logins per client address per minute (and 5 per account), and every "
        f"request here comes from one address; {throttled} logins were answered 429, which is that "
        "limit working, not a failure."
    )
    if costs:
        cost = min(costs)
        cores = report["meta"]["machine"]["logical_cpus"]
        line += (
            f" Each login costs user_svc about {cost:.0f} ms of CPU (the password hash), so without the "
            f"throttle this machine could do at most about {cores * 1000 / cost:.0f} logins/s."
        )
    return [line]

"""`make chaos`: kill -9 and restart every process kind and server of the running local stack, one at a
time, under a steady mixed load through the gateway; once the load stops and the platform has drained,
check the platform's promises against the real stores and print the table of faults by invariants.

    .venv/bin/python deploy/chaos/chaos.py            # every fault (make chaos)
    .venv/bin/python deploy/chaos/chaos.py --short    # a representative subset (make chaos SHORT=1)
    .venv/bin/python deploy/chaos/chaos.py --only order-worker postgres

Exit status 1 on any violation, on a component that did not come back, or when a check could not be
shown to fail on deliberately corrupted data (mutations.py). Report: .stack/chaos/<timestamp>/.
"""

import argparse
import logging
import secrets
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import drain
import faults
import report
from history import replay
from invariants import Facts, check_all
from ledger import Ledger
from load import Catalog, Clerk, Customer, Staff, settle_unanswered
from mutations import prove_checks_can_fail
from stack import REPO_DIR, Addresses, components_down
from stores import Scope, Stores

from shared.testing.gateway import new_customer, new_staff

logger = logging.getLogger("chaos")
INITIAL_PRODUCTS = 6
# Log-ins wait out a throttle or an outage this many times before the run gives up.
LOGIN_ATTEMPTS = 20


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--short", action="store_true", help="a representative subset of the faults")
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="just these faults (Procfile or server names)"
    )
    parser.add_argument("--customers", type=int, default=4, help="customer threads (default 4)")
    parser.add_argument("--down", type=float, default=4.0, help="seconds a killed component stays down")
    parser.add_argument("--recover", type=float, default=4.0, help="seconds of load after it is back")
    parser.add_argument("--warmup", type=float, default=8.0, help="seconds of load before the first fault")
    parser.add_argument(
        "--drain-timeout", type=float, default=360.0, help="longest wait for the platform to settle"
    )
    parser.add_argument("--seed", default=None, help="seed of the load's choices (default: the run id)")
    parser.add_argument("--out", type=Path, default=REPO_DIR / ".stack" / "chaos")
    return parser.parse_args(argv)


def wait_for_stack(timeout_s: float = 90.0) -> None:
    """Start only on a whole stack: something down now would be blamed on the first fault."""
    deadline = time.monotonic() + timeout_s
    while down := components_down():
        if time.monotonic() > deadline:
            raise SystemExit(f"the stack is not fully up ({', '.join(down)} down); run `make up` first")
        logger.info("waiting for %s to be up", ", ".join(down))
        time.sleep(3.0)


def make_people(addresses: Addresses, ledger: Ledger, run_id: str, customers: int):
    """The staff and customer clients, every request of theirs counted in the ledger."""
    options = {"record": ledger.record, "login_attempts": LOGIN_ATTEMPTS}
    staff = new_staff(addresses.gateway_url, email=f"chaos-{run_id}-staff@example.com", **options)
    people = [
        new_customer(addresses.gateway_url, email=f"chaos-{run_id}-c{n}@example.com", **options)
        for n in range(customers)
    ]
    return staff, people


def run(args) -> int:
    run_id = f"{datetime.now():%m%d%H%M}{secrets.token_hex(2)}"
    sku_prefix = f"CHAOS-{run_id}"
    seed = args.seed or run_id
    out_dir = args.out / datetime.now().strftime("%Y%m%d-%H%M%S")
    schedule = faults.schedule(args.only, args.short)
    started = time.monotonic()
    logger.info("run %s: %d faults, report in %s", run_id, len(schedule), out_dir)

    wait_for_stack()
    addresses = Addresses.of_running_stack()
    stores = Stores(addresses)
    queues_before = stores.queue_depths()
    ledger = Ledger()
    staff_client, customer_clients = make_people(addresses, ledger, run_id, args.customers)
    catalog = Catalog(ledger)
    stop = threading.Event()
    staff = Staff(
        "staff", staff_client, ledger, catalog, stop, f"{seed}-staff", (0.6, 1.4), sku_prefix=sku_prefix
    )
    for _ in range(INITIAL_PRODUCTS):
        staff.create_product(staff.rng.randint(30, 60))
    customers = [
        Customer(f"customer-{n}", client, ledger, catalog, stop, f"{seed}-c{n}", (0.1, 0.5))
        for n, client in enumerate(customer_clients)
    ]
    clerk = Clerk("clerk", staff_client, ledger, catalog, stop, f"{seed}-clerk", (0.1, 0.4))
    actors = [staff, clerk, *customers]

    ledger.begin_window("warm-up")
    for actor in actors:
        actor.start()
    time.sleep(args.warmup)
    killed = []
    try:
        for fault in schedule:
            killed.append(fault.target)
            faults.inflict(fault, ledger, down_s=args.down, recover_s=args.recover)
    finally:
        # Interrupted or not, leave nothing of ours down.
        for target in killed:
            if target in components_down():
                faults.start_again(target)
        stop.set()
        for actor in actors:
            actor.join(timeout=120)

    ledger.begin_window("drain")
    unanswered = settle_unanswered(ledger)
    scope = Scope(sku_prefix, [client.user_id for client in customer_clients], ledger.product_ids())
    settled = drain.wait_until_settled(drain.conditions(stores, scope), timeout_s=args.drain_timeout)
    ledger.close()
    snap = stores.snapshot(scope)
    stores.close()
    facts = Facts(
        dict(ledger.orders), dict(ledger.products), list(ledger.probes), queues_before, list(ledger.windows)
    )
    findings = check_all(snap, facts)
    proof = prove_checks_can_fail(snap, facts)
    duration = time.monotonic() - started

    crashed = [f"{actor.name}: {actor.crashed!r}" for actor in actors if actor.crashed]
    not_back = [w.name for w in ledger.windows if w.fault_error and "did not come back" in w.fault_error]
    violations = [f for f in findings if f.violation]
    uncaught = [key for key, result in proof.items() if not result["caught"]]
    statuses = {}
    for order in snap.orders.values():
        statuses[order.status] = statuses.get(order.status, 0) + 1
    sent = sum(w.sent for w in ledger.windows)
    failed = sum(w.failed for w in ledger.windows)
    kinds = {fault.target: fault.kind for fault in schedule}
    passed = not (violations or uncaught or not_back or crashed)

    crossings = sum(len(replay(item, snap.movements.get(item.id, [])).crossings) for item in snap.items)
    final = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
    unsettled = "" if settled["settled"] else f" (NOT settled: {settled['left']})"
    summary = (
        f"**{'PASS' if passed else 'FAIL'}** — run `{run_id}`, {len(schedule)} faults, "
        f"{duration / 60:.1f} min; {sent} requests ({failed} failed during faults); "
        f"{len(ledger.orders)} orders accepted ({final}), {sum(ledger.rejected_orders.values())} rejected; "
        f"{len(ledger.products)} products, {crossings} low-stock crossings; "
        f"drained in {settled['seconds']} s{unsettled}; {len(findings)} checks, {len(violations)} violations."
    )
    markdown = "\n\n".join(
        [
            f"# Chaos run {run_id}",
            summary,
            report.markdown_table(ledger.windows, findings, kinds),
            report.legend(),
            "## Violations\n\n" + report.violations_text(findings),
            "## Every check can fail\n\n" + report.proof_text(proof),
        ]
        + ([f"## Load threads that crashed\n\n{crashed}"] if crashed else [])
        + ([f"## Did not come back\n\n{not_back}"] if not_back else [])
    )
    data = {
        "run_id": run_id,
        "seed": seed,
        "passed": passed,
        "duration_s": round(duration, 1),
        "args": {k: str(v) for k, v in vars(args).items()},
        "windows": [w.as_dict() for w in ledger.windows],
        "orders": {
            "accepted": len(ledger.orders),
            "rejected": dict(ledger.rejected_orders),
            "unanswered": unanswered,
            "final_statuses": statuses,
        },
        "products": len(ledger.products),
        "drain": settled,
        "outboxes": {name: vars(depth) for name, depth in snap.outboxes.items()},
        "queues": snap.queues,
        "low_stock_crossings": crossings,
        "low_stock_emails": len(snap.emails),
        "violations": [vars(f) for f in violations],
        "checks": len(findings),
        "proof": proof,
        "crashed": crashed,
    }
    report.write(out_dir, markdown=markdown, data=data)
    print(markdown)
    print(f"\nreport: {out_dir}/report.md")
    return 0 if passed else 1


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("urllib3").setLevel(logging.ERROR)
    return run(parse_args(argv if argv is not None else sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: how fast the platform is through its gateway, beside the machine's own ceilings.

    .venv/bin/python deploy/bench/bench.py          a full run, a few minutes (`make bench`)
    .venv/bin/python deploy/bench/bench.py --smoke  each measurement once, light (`make bench SMOKE=1`)
    .venv/bin/python deploy/bench/bench.py --only order_flow,celery_round_trip   some measurements only

Writes report.md, report.json and plot.png to .stack/bench/<time>/ (or --out); a complete full run also
copies them to deploy/bench/results/, which the README links. It asserts nothing about speed: it exits
non-zero only when a measurement could not be made at all.
"""

import argparse
import asyncio
import shutil
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

import ceiling_celery
import ceiling_http
import ceiling_pgbench
import cpu
import idle
import logins
import low_stock
import order_flow
import plans
import plot
import product_events
import reads
import report
import stack
from fixtures import Fixtures
from loadgen import new_session
from notes import notes_for
from stepping import climb

from shared.testing.gateway import AsyncGateway

RESULTS_DIR = Path(__file__).resolve().parent / "results"
POOL = {"full": 200, "smoke": 6}  # products with big stock for the orders and the uncached reads


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="one short light step per measurement")
    parser.add_argument("--only", default="", help="comma-separated measurement names")
    parser.add_argument("--out", type=Path, help="report folder (default .stack/bench/<time>)")
    args = parser.parse_args(argv)
    known = plans.everything()
    args.only = [name for name in args.only.split(",") if name]
    unknown = set(args.only) - known
    if unknown:
        parser.error(f"unknown measurement {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
    return args


class Bench:
    def __init__(self, args, stack_info: stack.Stack):
        self.args = args
        self.smoke = args.smoke
        self.stack = stack_info
        self.selected = set(args.only) or plans.everything()
        self.ceilings: dict = {}
        self.scenarios: dict = {}
        self.failures: dict[str, str] = {}
        self.idle: dict | None = None

    async def guarded(self, name, coroutine):
        """Run one measurement; a failure is recorded and the run goes on with the next."""
        print(f"[bench] {name} ...", flush=True)
        started = time.monotonic()
        try:
            result = await coroutine
        except Exception as exc:
            traceback.print_exc()
            self.failures[name] = f"{type(exc).__name__}: {exc}"
            return None
        print(f"[bench] {name}: {time.monotonic() - started:.0f}s", flush=True)
        return result

    def entry(self, name, result) -> dict:
        measure = plans.measure(name, self.smoke)
        return {"title": measure.title, "unit": measure.unit, "ceiling": measure.ceiling, **result}

    async def climb(self, name, step):
        measure = plans.measure(name, self.smoke)
        return await climb(step, measure.ladder, measure.limits)

    # Ceilings -------------------------------------------------------------------------------------------

    def ceiling_probes(self, session) -> dict:
        """The throwaway servers of the selected ceilings, not started yet."""
        probes = {}
        if {"nginx_static", "nginx_drf"} & self.selected:
            probes["http"] = ceiling_http.ThrowawayServers(session)
        if "pgbench_reserve" in self.selected:
            probes["pgbench"] = ceiling_pgbench.ReserveBench(self.stack)
        if "celery_round_trip" in self.selected:
            probes["celery"] = ceiling_celery.CeleryProbe(self.stack)
        return probes

    async def run_ceilings(self, probes: dict):
        """Measure each ceiling with its server booted (``boot()`` ran while the platform was set up)."""
        if "http" in probes:
            for name in ("nginx_static", "nginx_drf"):
                if name not in self.selected:
                    continue
                path = "/static" if name == "nginx_static" else "/hello"
                step = ceiling_http.step_function(probes["http"].front, path)
                result = await self.guarded(name, self.climb(name, step))
                if result:
                    how = "same client, keep-alive upstream; " + (
                        "nginx answers a static JSON 200"
                        if name == "nginx_static"
                        else f"gunicorn, {ceiling_http.DRF_WORKERS} sync workers, one DRF view, no DB"
                    )
                    rate = result["max_sustained_rps"]
                    self.ceilings[name] = {**self.entry(name, result), "rate": rate, "how": how}
        if "pgbench" in probes:
            clients, seconds = ((2,), 1) if self.smoke else ((2, 8), 4)
            result = await self.guarded(
                "pgbench_reserve", probes["pgbench"].measure(client_counts=clients, seconds=seconds)
            )
            if result:
                self.ceilings["pgbench_reserve"] = {
                    "title": "PostgreSQL: inventory's reserve transaction (pgbench)",
                    "unit": "TPS",
                    "rate": result["runs"][0]["tps"],
                    "how": "3-line reserve on a scratch copy of inventory's schema; 2 clients like the "
                    "inventory worker's 2 processes",
                    **result,
                }
        if "celery" in probes:
            burst, one_by_one = (100, 10) if self.smoke else (2000, 50)
            result = await self.guarded(
                "celery_round_trip", probes["celery"].measure(burst=burst, one_by_one=one_by_one)
            )
            if result:
                self.ceilings["celery_round_trip"] = {
                    "title": "Celery round trip on the stack's RabbitMQ",
                    "unit": "tasks/s",
                    "rate": result["tasks_per_s"],
                    "how": f"trivial task, 2 prefork workers, acks_late, confirms; burst of {burst}, "
                    f"one-by-one round trip p50 {result['round_trip']['p50_ms']} ms",
                    **result,
                }
        self._order_path_ceiling()

    def _order_path_ceiling(self):
        """An order crosses two Celery hops and one reserve transaction: the slowest bounds it."""
        bounds = {}
        if "celery_round_trip" in self.ceilings:
            bounds["celery round trip ÷ 2 hops"] = self.ceilings["celery_round_trip"]["rate"] / 2
        if "pgbench_reserve" in self.ceilings:
            bounds["reserve transactions, 2 clients"] = self.ceilings["pgbench_reserve"]["rate"]
        if bounds:
            limiting = min(bounds, key=bounds.get)
            self.ceilings["order_path"] = {
                "title": "Order path (derived)",
                "unit": "orders/s",
                "rate": round(bounds[limiting], 1),
                "how": f"the lowest of: {'; '.join(f'{k} = {v:,.0f}' for k, v in bounds.items())}",
                "bounds": bounds,
            }

    # Platform -------------------------------------------------------------------------------------------

    async def prepare(self, fixtures: Fixtures):
        await fixtures.make_staff()
        customers = 0
        if "order_flow" in self.selected:
            customers += plans.order_steps(self.smoke)
        if "low_stock" in self.selected:
            customers += 1
        if "login" in self.selected:
            customers = max(customers, 2)
        await fixtures.make_customers(customers)
        fixtures.spare_product = await fixtures.create_product("X", 0, 0)

    async def run_scenarios(self, fixtures: Fixtures, mailpit: AsyncGateway):
        customers = list(fixtures.customers)
        low_stock_customer = customers.pop() if "low_stock" in self.selected else None
        order_customers = iter(customers)
        steps = {
            "product_to_item": lambda r, d: product_events.product_to_item(fixtures, r, d),
            "product_list_cached": lambda r, d: reads.list_cached(fixtures, r, d),
            "product_list_uncached": lambda r, d: reads.list_uncached(fixtures, r, d),
            "product_get_cached": lambda r, d: reads.get_cached(fixtures, r, d),
            "product_get_uncached": lambda r, d: reads.get_uncached(fixtures, r, d),
            "order_flow": lambda r, d: order_flow.order_flow(fixtures, next(order_customers), r, d),
            "low_stock": lambda r, d: low_stock.low_stock_email(fixtures, mailpit, low_stock_customer, r, d),
            "login": lambda r, d: logins.login(fixtures, fixtures.customers, r, d),
        }
        needs_pool = {"product_list_cached", "product_list_uncached", "product_get_cached",
                      "product_get_uncached", "order_flow"} & self.selected  # fmt: skip
        for name in plans.SCENARIOS:
            if name != "product_to_item" and needs_pool:
                await self._stock_pool(fixtures)  # after the catalog flow, which makes most of it
                needs_pool = False
            if name in self.selected:
                result = await self.guarded(name, self.climb(name, steps[name]))
                if result:
                    self.scenarios[name] = self.entry(name, result)

    async def _stock_pool(self, fixtures: Fixtures):
        if len(fixtures.stocked) < POOL["smoke" if self.smoke else "full"]:
            await self.guarded("stock pool", fixtures.stock_pool(POOL["smoke" if self.smoke else "full"]))

    def ratios(self):
        for entry in self.scenarios.values():
            ceiling = self.ceilings.get(entry["ceiling"] or "")
            if ceiling and ceiling.get("rate"):
                entry["ratio_to_ceiling"] = round(entry["max_sustained_rps"] / ceiling["rate"], 3)
                entry["ceiling_label"] = f"{ceiling['title']}: {ceiling['rate']:,.0f} {ceiling['unit']}"


async def run(args) -> int:
    started_wall = datetime.now(UTC)
    started = time.monotonic()
    stack_info = stack.load()
    bench = Bench(args, stack_info)
    cpu_before = cpu.snapshot()
    cleanup = None
    async with new_session() as session:
        gateway = AsyncGateway(session, stack_info.gateway_url)
        health = await gateway.call("GET", "/health")
        if not health.ok:
            print(f"[bench] the gateway's /health answered {health.status}: is the stack up (make up)?")
            return 2
        if plans.IDLE in bench.selected:  # first, while the stack is quiet
            seconds = plans.IDLE_SECONDS["smoke" if args.smoke else "full"]
            bench.idle = await bench.guarded(plans.IDLE, idle.idle_cost(seconds))
        fixtures = Fixtures(gateway)
        probes = bench.ceiling_probes(session)
        try:
            # The ceilings' servers boot while the platform's accounts are made; nothing is measured yet.
            booting = [bench.guarded(f"boot {name}", probe.boot()) for name, probe in probes.items()]
            if set(plans.SCENARIOS) & bench.selected:
                booting.append(bench.guarded("set-up", bench.prepare(fixtures)))
            await asyncio.gather(*booting)
            if not bench.failures:
                await bench.run_ceilings(probes)
        finally:
            await asyncio.gather(*(probe.stop() for probe in probes.values()))
        try:
            if set(plans.SCENARIOS) & bench.selected and not bench.failures:
                await bench.run_scenarios(fixtures, AsyncGateway(session, stack_info.mailpit_url))
        finally:
            cleanup = await bench.guarded("clean-up", fixtures.cleanup())
    bench.ratios()
    mode = "smoke" if args.smoke else "full"
    result = {
        "meta": {
            "mode": mode,
            "command": "make bench SMOKE=1" if args.smoke else "make bench",
            "only": args.only,
            "started_at": started_wall.isoformat(timespec="seconds"),
            "duration_s": round(time.monotonic() - started, 1),
            "git_commit": stack.git_commit(),
            "machine": stack.machine_facts(),
            "gateway_url": stack_info.gateway_url,
            "cpu_s_whole_run": cpu.spent(cpu_before, cpu.snapshot()),
        },
        "idle": bench.idle,
        "ceilings": bench.ceilings,
        "scenarios": bench.scenarios,
        "failures": bench.failures,
        "cleanup": cleanup,
    }
    out = args.out or stack.STACK_DIR / "bench" / started_wall.strftime("%Y%m%dT%H%M%SZ")
    out.mkdir(parents=True, exist_ok=True)
    report.write_json(result, out / "report.json")
    report.write_markdown(result, out / "report.md", notes_for(result))
    plot.write(result, out / "plot.png")
    if mode == "full" and not args.only and not bench.failures:
        RESULTS_DIR.mkdir(exist_ok=True)
        for name in ("report.md", "report.json", "plot.png"):
            shutil.copy(out / name, RESULTS_DIR / name)
    print(f"[bench] report: {out}/report.md")
    if bench.failures:
        print(f"[bench] failed: {', '.join(bench.failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(run(parse_args(sys.argv[1:]))))

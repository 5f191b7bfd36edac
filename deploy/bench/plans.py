"""What each measurement is called, its unit, the ladder of offered rates it climbs and when a step stops
counting as sustained; in smoke mode every ladder is one short, light step.

Bounds on p99: 500 ms for a plain request, more for flows that cross brokers, relays and several
databases, 2 s for a login (a password hash is a few hundred milliseconds of CPU by
design).
"""

from dataclasses import dataclass, replace

from stepping import Ladder, Limits


@dataclass(frozen=True)
class Measure:
    title: str
    unit: str
    ladder: Ladder
    limits: Limits
    smoke_rate: float
    ceiling: str | None = None  # the ceiling its ratio is taken to (a key of the report's ceilings)


HTTP = Limits(p99_ms=500)

MEASURES = {
    "nginx_static": Measure(
        "nginx → static upstream", "req/s", Ladder(500, max_steps=6, duration_s=2), HTTP, 100
    ),
    "nginx_drf": Measure(
        "nginx → gunicorn, bare DRF view", "req/s", Ladder(100, max_steps=7, duration_s=2), HTTP, 50
    ),
    "product_to_item": Measure(
        "Product created → inventory item visible", "products/s",
        Ladder(2, max_steps=5, duration_s=4), Limits(p99_ms=3000), 3, "nginx_drf",
    ),
    "product_list_cached": Measure(
        "Product list, cached", "req/s", Ladder(50, max_steps=6, duration_s=2.5), HTTP, 10, "nginx_drf"
    ),
    "product_list_uncached": Measure(
        "Product list, uncached", "req/s", Ladder(2, max_steps=7, duration_s=3), HTTP, 4, "nginx_drf"
    ),
    "product_get_cached": Measure(
        "Product get, cached", "req/s", Ladder(50, max_steps=6, duration_s=2.5), HTTP, 10, "nginx_drf"
    ),
    "product_get_uncached": Measure(
        "Product get, uncached", "req/s", Ladder(10, max_steps=7, duration_s=3), HTTP, 4, "nginx_drf"
    ),
    "order_flow": Measure(
        "Order POST → confirmed", "orders/s",
        Ladder(2, max_steps=7, refine=2, duration_s=5, pause_s=2), Limits(p99_ms=3000), 3, "order_path",
    ),
    "low_stock": Measure(
        "Low stock → email in Mailpit", "emails/s",
        Ladder(1, max_steps=3, refine=0, duration_s=4), Limits(p99_ms=5000), 2, "order_path",
    ),
    "login": Measure(
        "Login", "logins/s",
        Ladder(0.5, max_steps=4, refine=0, duration_s=5), Limits(p99_ms=2000), 2, "nginx_drf",
    ),
}  # fmt: skip

CEILINGS = ("nginx_static", "nginx_drf", "pgbench_reserve", "celery_round_trip")
# The stack at rest, measured first while nothing else runs (idle.py): seconds of quiet by mode.
IDLE = "idle_cost"
IDLE_SECONDS = {"full": 60.0, "smoke": 5.0}
# In the order they run: the catalog flow makes the products the reads and orders use; login comes last
# because it spends the address's login allowance for the next minute.
SCENARIOS = (
    "product_to_item",
    "product_list_cached",
    "product_list_uncached",
    "product_get_cached",
    "product_get_uncached",
    "order_flow",
    "low_stock",
    "login",
)


def everything() -> set[str]:
    return {*CEILINGS, *SCENARIOS, IDLE}


def measure(name: str, smoke: bool) -> Measure:
    entry = MEASURES[name]
    if not smoke:
        return entry
    one_step = Ladder(entry.smoke_rate, max_steps=1, refine=0, duration_s=1.0, pause_s=0.0)
    return replace(entry, ladder=one_step)


def order_steps(smoke: bool) -> int:
    """How many order steps can run at most (each has its own customer)."""
    ladder = measure("order_flow", smoke).ladder
    return ladder.max_steps + ladder.refine

"""The fault schedule: every process kind and server of the stack, killed with SIGKILL (as a crash would)
and started again, one at a time, while the load runs.

Each fault is one window of the ledger: kill, keep the load going for ``down_s`` seconds, start it again
(``stack.sh start`` returns once it answers), let the load run ``recover_s`` seconds more. Whatever
happens, the component is started again before the schedule moves on or gives up.
"""

import logging
import time
from dataclasses import dataclass

from ledger import Ledger
from stack import StackCommandFailed, control

logger = logging.getLogger("chaos.faults")


@dataclass(frozen=True)
class Fault:
    target: str  # a deploy/Procfile process or a stack server component
    kind: str


WEB_INSTANCES = [
    Fault(f"{service}-web-{n}", "service instance")
    for service in ("product", "order", "inventory", "user", "notification")
    for n in (1, 2)
]
FULL_SCHEDULE = [
    *WEB_INSTANCES,
    Fault("order-worker", "Celery worker"),
    Fault("inventory-worker", "Celery worker"),
    Fault("order-beat", "Celery beat"),
    Fault("inventory-consumer", "Kafka consumer"),
    Fault("product-relay", "outbox relay"),
    Fault("order-relay", "outbox relay"),
    Fault("inventory-relay", "outbox relay"),
    Fault("notification-listener", "Redis listener"),
    Fault("notification-order-consumer", "Kafka consumer"),
    Fault("notification-ws", "websocket server"),
    Fault("kafka", "server"),
    Fault("rabbitmq", "server"),
    Fault("redis", "server"),
    Fault("ferretdb", "server"),
    Fault("postgres", "server"),
    # order_svc reaches user_svc and product_svc through the gateway too, so this is a fault inside the
    # platform, not only in front of it.
    Fault("gateway", "gateway"),
]
# Mailpit is left alone: with SMTP down a send fails after its retries and stays `failed` for staff to
# retry, by design, so "one email per crossing" would not hold without a person in the loop.
# One of each kind that carries the saga or an outbox, and the servers the saga's state lives on.
SHORT_SCHEDULE = [
    Fault("order-web-1", "service instance"),
    Fault("inventory-worker", "Celery worker"),
    Fault("order-worker", "Celery worker"),
    Fault("inventory-consumer", "Kafka consumer"),
    Fault("order-relay", "outbox relay"),
    Fault("inventory-relay", "outbox relay"),
    Fault("notification-listener", "Redis listener"),
    Fault("rabbitmq", "server"),
    Fault("postgres", "server"),
    Fault("ferretdb", "server"),
]


def schedule(names: list[str] | None, short: bool) -> list[Fault]:
    chosen = SHORT_SCHEDULE if short else FULL_SCHEDULE
    if names:
        known = {fault.target: fault for fault in FULL_SCHEDULE}
        unknown = [name for name in names if name not in known]
        if unknown:
            raise SystemExit(f"unknown fault target(s): {', '.join(unknown)}")
        chosen = [known[name] for name in names]
    return chosen


def inflict(fault: Fault, ledger: Ledger, *, down_s: float, recover_s: float) -> None:
    """Kill, wait, start, wait; the times and any failure are recorded on the fault's window."""
    window = ledger.begin_window(fault.target)
    killed_at = time.monotonic()
    try:
        control("kill", fault.target)
        time.sleep(down_s)
    except StackCommandFailed as exc:
        window.fault_error = str(exc)
    finally:
        window.restart_s, error = start_again(fault.target)
        window.down_s = time.monotonic() - killed_at
        if error:
            window.fault_error = error
    logger.info("%-22s down %.1fs, start took %.1fs", fault.target, window.down_s, window.restart_s)
    time.sleep(recover_s)


def start_again(target: str, attempts: int = 3) -> tuple[float, str | None]:
    """Start ``target``; a start that fails is tried again (a killed server may leave a stale lock)."""
    spent, error = 0.0, None
    for _ in range(attempts):
        started = time.monotonic()
        try:
            control("start", target)
            spent += time.monotonic() - started
            return spent, (f"came back only after a retry; first start: {error}" if error else None)
        except StackCommandFailed as exc:
            spent += time.monotonic() - started
            error = str(exc)
            logger.warning("start of %s failed: %s", target, exc)
            time.sleep(2.0)
    return spent, f"did not come back: {error}"

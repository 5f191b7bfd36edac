"""Logins through the gateway, at modest rates, until user_svc's throttle answers 429.

user_svc allows 5 logins per account and 30 per client address per minute, and every request of this
benchmark comes from one address, so from the second half-minute on the throttle, not the machine, is
the limit; that is the design, and the report says so rather than working around it. The accounts are
used in turn so the per-account limit is not what trips first. Each login costs a password hash
(PBKDF2), so the CPU user_svc spends per login is reported too: it says how many logins per second the
machine could do were the throttle lifted.
"""

import cpu
import stats
from fixtures import Fixtures
from loadgen import run_step

from shared.testing.gateway import LOGIN_PATH, PASSWORD, Account


async def login(fixtures: Fixtures, accounts: list[Account], rate: float, duration: float) -> dict:
    gateway = fixtures.gateway

    async def request(index):
        account = accounts[index % len(accounts)]
        return await gateway.call("POST", LOGIN_PATH, body={"email": account.email, "password": PASSWORD})

    before = cpu.snapshot()
    run = await run_step(request, rate=rate, duration=duration)
    spent = cpu.spent(before, cpu.snapshot())
    logged_in = sum(1 for sample in run.samples if sample.outcome.ok)
    per_login_ms = spent.get("user-web", 0.0) * 1000 / logged_in if logged_in else None
    return stats.summarize_run(
        run,
        extra={
            "throttled": sum(1 for sample in run.samples if sample.outcome.status == 429),
            "user_web_cpu_ms_per_login": round(per_login_ms, 1) if per_login_ms else None,
        },
    )

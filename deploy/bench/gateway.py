"""The platform as a client sees it: calls through the gateway, and the accounts that make them."""

import asyncio
import os
import subprocess
import time
from dataclasses import dataclass, field

import aiohttp
from loadgen import Outcome
from stack import RUN_SH

PASSWORD = "bench-Horse-battery-42"  # noqa: S105 - of throwaway accounts the benchmark makes
# Refresh an access token this long after it was issued (they live 5 minutes).
TOKEN_REFRESH_AFTER_S = 240.0


class SetupFailed(RuntimeError):
    """The platform refused something the benchmark needs before it can measure anything."""


@dataclass
class Account:
    email: str
    access: str = ""
    refresh: str = ""
    issued: float = 0.0
    # One refresh at a time: the refresh token rotates, so a second concurrent use of it is refused.
    renewing: asyncio.Lock = field(default_factory=asyncio.Lock)


class Gateway:
    def __init__(self, session: aiohttp.ClientSession, base_url: str):
        self.session = session
        self.base_url = base_url

    async def call(
        self, method, path, *, token=None, json=None, params=None, ok=(200,), keep=None, headers=None
    ) -> Outcome:
        """One request; ``keep(body)`` turns a successful JSON answer into the outcome's data (the body is
        parsed only then, to spend the client's CPU on sending, not on JSON it does not need)."""
        sent_headers = dict(headers or {})
        if token:
            sent_headers["Authorization"] = f"Bearer {token}"
        async with self.session.request(
            method, self.base_url + path, json=json, params=params, headers=sent_headers
        ) as response:
            if response.status not in ok:
                await response.read()
                return Outcome(False, status=response.status, error=f"http_{response.status}")
            if keep is None:
                await response.read()
                return Outcome(True, status=response.status)
            return Outcome(True, status=response.status, data=keep(await response.json(content_type=None)))

    async def must(self, method, path, **kwargs):
        """A set-up call that has to succeed; return its JSON body."""
        outcome = await self.call(method, path, keep=lambda body: body, **kwargs)
        if not outcome.ok:
            raise SetupFailed(f"{method} {path} answered {outcome.status}")
        return outcome.data

    # Accounts ---------------------------------------------------------------------------------------

    async def register(self, email: str) -> Account:
        await self.must(
            "POST", "/api/v1/auth/register", json={"email": email, "password": PASSWORD}, ok=(201,)
        )
        return Account(email)

    async def login(self, account: Account) -> Account:
        pair = await self.must(
            "POST", "/api/v1/auth/login", json={"email": account.email, "password": PASSWORD}
        )
        account.access, account.refresh, account.issued = pair["access"], pair["refresh"], time.monotonic()
        return account

    async def bearer(self, account: Account) -> str:
        """The account's access token, refreshed (not logged in again) when it is about to expire."""
        async with account.renewing:
            if time.monotonic() - account.issued > TOKEN_REFRESH_AFTER_S:
                pair = await self.must("POST", "/api/v1/auth/refresh", json={"refresh": account.refresh})
                account.access, account.refresh, account.issued = (
                    pair["access"],
                    pair["refresh"],
                    time.monotonic(),
                )
        return account.access

    async def staff(self, email: str) -> Account:
        """A staff account made the way an operator makes one, then logged in through the gateway."""
        await asyncio.to_thread(
            subprocess.run,
            [str(RUN_SH), "user", "python", "manage.py", "createsuperuser", "--noinput", "--email", email],
            env={**os.environ, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
            check=True,
            capture_output=True,
        )
        return await self.login(Account(email))

    # Catalog ----------------------------------------------------------------------------------------

    async def create_product(self, staff: Account, *, sku: str, category: str, stock: int) -> str:
        body = await self.must(
            "POST",
            "/api/v1/products/",
            token=await self.bearer(staff),
            json=product_body(sku, category, stock),
            ok=(201,),
        )
        return body["id"]

    async def delete_product(self, staff: Account, product_id: str) -> bool:
        outcome = await self.call(
            "DELETE", f"/api/v1/products/{product_id}", token=await self.bearer(staff), ok=(204, 404)
        )
        return outcome.ok

    async def inventory_item(self, staff: Account, product_id: str) -> dict | None:
        body = await self.must(
            "GET", "/api/v1/inventory/", token=await self.bearer(staff), params={"product_id": product_id}
        )
        return body["results"][0] if body["results"] else None


def product_body(sku: str, category: str, stock: int) -> dict:
    return {
        "sku": sku,
        "name": f"Bench item {sku}",
        "category": category,
        "price": "12.50",
        "description": "Made by the benchmark; deleted when it ends.",
        "initial_stock": stock,
    }


async def gather_limited(coroutines, limit: int = 8) -> list:
    """Run set-up coroutines a few at a time (set-up is not measured, and must not overload anything)."""
    semaphore = asyncio.Semaphore(limit)

    async def guarded(coroutine):
        async with semaphore:
            return await coroutine

    return await asyncio.gather(*(guarded(c) for c in coroutines))


async def poll(probe, *, timeout: float, interval: float = 0.5):
    """Call ``probe()`` until it returns something truthy; return it, or None after ``timeout`` seconds.
    A refused or failed call (a 5xx, a gateway timeout, a dropped connection) counts as "not yet": the
    platform under load may answer slowly, and the answer is what is being waited for."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            value = await probe()
        except (SetupFailed, aiohttp.ClientError, TimeoutError):
            value = None
        if value or loop.time() >= deadline:
            return value
        await asyncio.sleep(interval)

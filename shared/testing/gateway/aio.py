"""The platform over one aiohttp session, for many accounts at once: the benchmark's face of the client.

A body is parsed only when the caller keeps something of it (``keep``), so the load generator spends its
CPU on sending, not on JSON it does not need. The same class calls any HTTP server of the stack (Mailpit,
the benchmark's throwaway nginx) when given its address.
"""

import asyncio

import aiohttp

from shared.testing.gateway.accounts import (
    Account,
    Pause,
    Request,
    Steps,
    create_staff,
    logging_in,
    registration,
    renewing,
)
from shared.testing.gateway.answers import CONNECTION_ERROR, TIMED_OUT, Answer, require


def _whole(body):
    return body


class AsyncGateway:
    def __init__(self, session: aiohttp.ClientSession, base_url: str):
        self.session = session
        self.base_url = base_url
        # One renewal per account at a time: the refresh token rotates, so a second use of it is refused.
        self._renewing: dict[str, asyncio.Lock] = {}

    async def call(
        self, method, path, *, token=None, body=None, params=None, headers=None, expect=(200,), keep=None
    ) -> Answer:
        """One request; ``keep(body)`` turns a usable JSON answer into the answer's body."""
        sent_headers = dict(headers or {})
        if token:
            sent_headers["Authorization"] = f"Bearer {token}"
        try:
            async with self.session.request(
                method, self.base_url + path, json=body, params=params, headers=sent_headers
            ) as response:
                if keep is None or response.status not in expect:
                    await response.read()
                    return Answer.of(response.status, None, expect)
                return Answer(response.status, keep(await response.json(content_type=None)))
        except TimeoutError:
            return Answer(error=TIMED_OUT)
        except aiohttp.ClientError:
            return Answer(error=CONNECTION_ERROR)

    async def must(self, method, path, **kwargs):
        """A call that has to succeed; return its JSON body, or raise Refused."""
        return require(await self.call(method, path, keep=_whole, **kwargs), f"{method} {path}").body

    async def log_in(self, account: Account) -> Account:
        await self._run(logging_in(account))
        return account

    async def bearer(self, account: Account) -> str:
        """The account's access token, renewed first when due."""
        lock = self._renewing.get(account.email) or self._renewing.setdefault(account.email, asyncio.Lock())
        async with lock:
            await self._run(renewing(account))
        return account.access

    async def new_customer(self, email: str) -> Account:
        """A customer made as people make one: registered through the gateway, then logged in."""
        require(await self._send(registration(email)), f"registering {email}")
        return await self.log_in(Account(email))

    async def new_staff(self, email: str) -> Account:
        """A staff account made as an operator makes one (``create_staff``), then logged in."""
        await asyncio.to_thread(create_staff, email)
        return await self.log_in(Account(email))

    async def _send(self, step: Request) -> Answer:
        return await self.call(step.method, step.path, body=step.body, expect=step.expect, keep=_whole)

    async def _run(self, steps: Steps) -> None:
        answer = None
        while True:
            try:
                step = steps.send(answer)
            except StopIteration:
                return
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
                answer = None
            else:
                answer = await self._send(step)

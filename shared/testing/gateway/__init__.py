"""The one client of the platform through its gateway, for the cross-service tests (tests/), the benchmark
(deploy/bench/) and the chaos run (deploy/chaos/): accounts that log in once and renew their access token
with the refresh token, as a careful client does.

The rules (when a token is renewed, what a refused refresh means, how patiently a client logs in) are
written once, in ``accounts``, as steps that send nothing themselves. Each face runs them with its own I/O:
``Client`` (requests, blocking: one person, shareable between threads) for the tests and the chaos run,
``AsyncGateway`` (aiohttp: many accounts over one session) for the benchmark. Both answer ``Answer``.
"""

from shared.testing.gateway.accounts import LOGIN_PATH, PASSWORD, Account, create_staff, new_email
from shared.testing.gateway.aio import AsyncGateway
from shared.testing.gateway.answers import Answer, Refused, require
from shared.testing.gateway.client import Client, new_customer, new_staff

__all__ = [
    "LOGIN_PATH",
    "PASSWORD",
    "Account",
    "Answer",
    "AsyncGateway",
    "Client",
    "Refused",
    "create_staff",
    "new_customer",
    "new_email",
    "new_staff",
    "require",
]

"""Accounts for tests that act as clients of the gateway, made as people make them (staff with
createsuperuser, customers by registering) and logged in once.

user_svc throttles logins (5 a minute per account, 30 per client address) and the gateway limits
/api/v1/auth/, so an account logs in once per test session; its access token, which lives
JWT_ACCESS_MINUTES, is renewed with the refresh token as a client would.
"""

import os
import subprocess
import time
import uuid
from dataclasses import dataclass, field

import requests

from tests.conftest import RUN_SH

PASSWORD = "correct-horse-battery-7"
RENEW_AFTER_SECONDS = 150  # well inside the shortest access lifetime the stack is run with (5 minutes)


@dataclass
class Account:
    gateway_url: str
    email: str
    id: str
    access: str
    refresh: str
    is_staff: bool = False
    renewed_at: float = field(default_factory=time.monotonic)

    @property
    def headers(self) -> dict[str, str]:
        if time.monotonic() - self.renewed_at > RENEW_AFTER_SECONDS:
            self.renew()
        return {"Authorization": f"Bearer {self.access}"}

    def renew(self) -> None:
        """Rotate the token pair (the refresh token used here is refused from now on)."""
        response = requests.post(
            f"{self.gateway_url}/api/v1/auth/refresh", json={"refresh": self.refresh}, timeout=10
        )
        assert response.status_code == 200, f"cannot renew the token of {self.email}: {response.text}"
        self.access, self.refresh = response.json()["access"], response.json()["refresh"]
        self.renewed_at = time.monotonic()


def new_email(role: str) -> str:
    return f"{role}-{uuid.uuid4().hex[:10]}@example.com"


def log_in(gateway_url: str, email: str, *, is_staff: bool = False) -> Account:
    response = requests.post(
        f"{gateway_url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=10
    )
    assert response.status_code == 200, f"login of {email}: {response.status_code} {response.text}"
    pair = response.json()
    me = requests.get(
        f"{gateway_url}/api/v1/users/me", headers={"Authorization": f"Bearer {pair['access']}"}, timeout=10
    )
    assert me.status_code == 200, me.text
    return Account(gateway_url, email, me.json()["id"], pair["access"], pair["refresh"], is_staff=is_staff)


def register(gateway_url: str, email: str, **extra) -> requests.Response:
    return requests.post(
        f"{gateway_url}/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, **extra},
        timeout=10,
    )


def new_customer(gateway_url: str, role: str = "customer") -> Account:
    email = new_email(role)
    registered = register(gateway_url, email)
    assert registered.status_code == 201, registered.text
    return log_in(gateway_url, email)


def new_staff(gateway_url: str) -> Account:
    """A staff account made the way an operator makes one: user_svc's createsuperuser."""
    email = new_email("staff")
    subprocess.run(
        [str(RUN_SH), "user", "python", "manage.py", "createsuperuser", "--noinput", "--email", email],
        env={**os.environ, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        check=True,
        capture_output=True,
    )
    return log_in(gateway_url, email, is_staff=True)

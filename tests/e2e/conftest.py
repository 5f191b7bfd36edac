"""Accounts for the end-to-end tests, made as people make them: staff with createsuperuser, customers
by registering; both log in through the gateway."""

import os
import subprocess
import time
import uuid

import pytest
import requests

from tests.conftest import RUN_SH

PASSWORD = "correct-horse-battery-7"


def wait_for(predicate, timeout=20.0, what="condition"):
    """The first truthy value of ``predicate()``, polled until ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def login(gateway_url, email):
    response = requests.post(
        f"{gateway_url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=10
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access']}"}


@pytest.fixture(scope="module")
def staff(gateway_url):
    """A staff account made the way an operator makes one (createsuperuser), logged in through the gateway."""
    email = f"staff-{uuid.uuid4().hex[:8]}@example.com"
    subprocess.run(
        [str(RUN_SH), "user", "python", "manage.py", "createsuperuser", "--noinput", "--email", email],
        env={**os.environ, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        check=True,
        capture_output=True,
    )
    return login(gateway_url, email)


@pytest.fixture(scope="module")
def customer(gateway_url):
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    registered = requests.post(
        f"{gateway_url}/api/v1/auth/register", json={"email": email, "password": PASSWORD}, timeout=10
    )
    assert registered.status_code == 201, registered.text
    return login(gateway_url, email)

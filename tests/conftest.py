"""Fixtures for the cross-service tests: the local stack's addresses, read from the same files and
script the stack uses, so the tests talk to exactly what `make up` started."""

import os
from pathlib import Path

import pytest

from shared.testing.gateway import new_staff
from shared.testing.stack import RUN_SH, service_env  # noqa: F401 - the tests import them from here

REPO_DIR = Path(__file__).resolve().parent.parent
SERVICES = ("product", "order", "inventory", "user", "notification")


@pytest.fixture(scope="session")
def stack_env() -> dict[str, str]:
    """Variables common to every service (brokers, ports)."""
    return service_env("product")


def gateway_address() -> str:
    """The gateway's base URL (a function too, for test modules that need it at import time)."""
    env = service_env("product")
    return f"http://{env['STACK_HOST']}:{env['GATEWAY_PORT']}"


@pytest.fixture(scope="session")
def gateway_url() -> str:
    return gateway_address()


@pytest.fixture(scope="session")
def mailpit_url(stack_env) -> str:
    return f"http://{stack_env['STACK_HOST']}:{stack_env['MAILPIT_HTTP_PORT']}"


@pytest.fixture
def repo_dir() -> Path:
    return REPO_DIR


def venv_bin(name: str) -> str:
    return str(Path(os.environ.get("VIRTUAL_ENV", REPO_DIR / ".venv")) / "bin" / name)


@pytest.fixture(scope="session")
def staff_account(gateway_url):
    """One staff account for the session (shared.testing.gateway), logged in once through the gateway."""
    return new_staff(gateway_url)

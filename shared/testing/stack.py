"""The local stack from a test or a tool (the benchmark, the chaos run): the environment its processes get,
and stopping and starting its real components, through the stack's own scripts."""

import subprocess
from contextlib import contextmanager
from functools import cache
from pathlib import Path

STACK_SCRIPTS = Path(__file__).resolve().parents[2] / "deploy" / "stack"
STACK_SH = STACK_SCRIPTS / "stack.sh"
RUN_SH = STACK_SCRIPTS / "run.sh"


@cache
def service_env(service: str) -> dict[str, str]:
    """The environment a service's processes get in the local stack (ports, brokers, secrets)."""
    output = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [str(RUN_SH), service, "env", "-0"], check=True, capture_output=True, text=True
    ).stdout
    return dict(item.split("=", 1) for item in output.split("\0") if "=" in item)


def stack(command: str, component: str) -> None:
    result = subprocess.run(  # noqa: S603  (our own script, fixed arguments)
        [str(STACK_SH), command, component], capture_output=True, text=True, timeout=180
    )
    if result.returncode != 0:
        raise RuntimeError(f"stack.sh {command} {component} failed: {result.stderr or result.stdout}")


@contextmanager
def stopped(component: str):
    """Stop ``component`` for the duration of the block; it is started again whatever happens."""
    stack("stop", component)
    try:
        yield
    finally:
        stack("start", component)

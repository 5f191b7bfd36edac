"""Stop and start real components of the local stack from a test, through the stack's own script."""

import subprocess
from contextlib import contextmanager
from pathlib import Path

STACK_SH = Path(__file__).resolve().parents[2] / "deploy" / "stack" / "stack.sh"


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

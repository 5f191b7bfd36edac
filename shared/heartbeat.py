"""Liveness for processes that serve no HTTP (relays, consumers, listeners): the loop touches a file,
and a healthcheck asks how old the touch is.

    python -m shared.heartbeat /tmp/relay.heartbeat 30   # exit 0 when touched in the last 30 seconds
"""

import os
import sys
import time
from pathlib import Path

DEFAULT_PATH = os.environ.get("HEARTBEAT_FILE", "/tmp/heartbeat")  # noqa: S108  (per-container file)


def beat(path: str = DEFAULT_PATH) -> None:
    Path(path).touch()


def is_fresh(path: str, max_age_seconds: float) -> bool:
    try:
        return time.time() - Path(path).stat().st_mtime <= max_age_seconds
    except FileNotFoundError:
        return False


if __name__ == "__main__":
    file, max_age = sys.argv[1], float(sys.argv[2])
    sys.exit(0 if is_fresh(file, max_age) else 1)

"""Which service answered a request that went through the gateway, from the services' own request logs.

The gateway no longer tells clients (X-Service is passed only with GATEWAY_DEBUG_HEADERS=1), and the
tests run against the shared stack's gateway as it is; every service logs each request it answers, as
JSON with its name and the request id (shared.middleware.RequestIdMiddleware), into the local stack's
log files.
"""

import json
import os
import time
from pathlib import Path

from tests.conftest import REPO_DIR

TAIL_BYTES = 1 << 20  # the request was just made: its line is near the end of the file
WAIT_SECONDS = 5


def log_dir() -> Path:
    return Path(os.environ.get("STACK_DIR", REPO_DIR / ".stack")) / "logs"


def _request_lines(path: Path):
    with path.open("rb") as log:
        log.seek(max(0, path.stat().st_size - TAIL_BYTES))
        for raw in log.read().splitlines():
            if raw.startswith(b"{"):
                try:
                    yield json.loads(raw)
                except ValueError:
                    continue  # a line cut by the seek, or one being written


def answered_by(request_id: str, path: str) -> set[str]:
    """The services whose web processes logged ``path`` for ``request_id`` (waiting a moment for the line).

    The path is part of the match because a service calling another through the gateway passes the
    request id on.
    """
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        services = {
            line["service"]
            for log in log_dir().glob("*-web-*.log")
            for line in _request_lines(log)
            if line.get("request_id") == request_id and line.get("path") == path
        }
        if services or time.monotonic() > deadline:
            return services
        time.sleep(0.1)

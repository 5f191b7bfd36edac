"""Where the running local stack is: addresses, pid files, binaries. Read from the same env files and
script the stack uses (deploy/stack/run.sh), so the benchmark talks to exactly what `make up` started."""

import os
import platform
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psutil

REPO_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_DIR))  # for shared/, when run as a script
from shared.testing.stack import RUN_SH, service_env  # noqa: E402, F401 - needs the path above

STACK_DIR = REPO_DIR / ".stack"
PID_DIR = STACK_DIR / "run"
VENV_BIN = REPO_DIR / ".venv" / "bin"
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass(frozen=True)
class Stack:
    host: str
    gateway_url: str
    mailpit_url: str
    broker_url: str
    rabbitmq_management_port: int
    postgres_port: int
    postgres_socket_dir: str
    inventory_database: str


def load() -> Stack:
    env = service_env("inventory")
    host = env["STACK_HOST"]
    return Stack(
        host=host,
        gateway_url=f"http://{host}:{env['GATEWAY_PORT']}",
        mailpit_url=f"http://{host}:{env['MAILPIT_HTTP_PORT']}",
        broker_url=env["CELERY_BROKER_URL"],
        rabbitmq_management_port=int(env["RABBITMQ_MANAGEMENT_PORT"]),
        postgres_port=int(env["POSTGRES_PORT"]),
        postgres_socket_dir=str(PID_DIR / "postgres"),
        inventory_database=env["DATABASE_URL"].rsplit("/", 1)[1],
    )


def process_roots() -> dict[str, list[int]]:
    """Root pids by process kind: each pid file of .stack/run (Procfile names and servers), with a
    trailing instance number dropped (``order-web-2`` is kind ``order-web``), plus PostgreSQL's
    postmaster, whose pid file lives in its data directory."""
    roots: dict[str, list[int]] = {}
    files = [*PID_DIR.glob("*.pid"), STACK_DIR / "data" / "postgres" / "postmaster.pid"]
    for path in files:
        try:
            pid = int(path.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        kind = "postgres" if path.name == "postmaster.pid" else re.sub(r"-\d+$", "", path.stem)
        roots.setdefault(kind, []).append(pid)
    return roots


def machine_facts() -> dict:
    memory = psutil.virtual_memory().total
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": psutil.cpu_count(logical=False) or os.cpu_count(),
        "logical_cpus": psutil.cpu_count(logical=True),
        "memory_gib": round(memory / 2**30, 1),
        "cpu_model": model,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def git_commit() -> str:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["/usr/bin/git", "-C", str(REPO_DIR), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip()

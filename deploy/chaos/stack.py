"""The running local stack as the chaos run sees it: addresses read from the same env files the processes
get (deploy/stack/run.sh), and the stack's own kill/start/stop commands (deploy/stack/stack.sh)."""

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_DIR))  # for shared/, when run as a script
from shared.testing.stack import STACK_SH, service_env  # noqa: E402 - needs the path above

# Long enough for the slowest server (Kafka, RabbitMQ) to start and answer on this 2-core machine.
CONTROL_TIMEOUT_S = 240


class StackCommandFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Addresses:
    gateway_url: str
    mailpit_url: str
    rabbitmq_api: str
    rabbitmq_vhost: str
    rabbitmq_auth: tuple[str, str]
    redis_url: str
    mongo_url: str
    product_db: str
    order_db: str
    inventory_dsn: str
    notification_dsn: str

    @classmethod
    def of_running_stack(cls) -> "Addresses":
        common = service_env("product")
        host = common["STACK_HOST"]
        broker = urlsplit(common["CELERY_BROKER_URL"])
        return cls(
            gateway_url=f"http://{host}:{common['GATEWAY_PORT']}",
            mailpit_url=f"http://{host}:{common['MAILPIT_HTTP_PORT']}",
            rabbitmq_api=f"http://{broker.hostname}:{common['RABBITMQ_MANAGEMENT_PORT']}/api",
            rabbitmq_vhost=broker.path.lstrip("/"),
            rabbitmq_auth=(broker.username or "", broker.password or ""),
            redis_url=common["REDIS_URL"],
            mongo_url=common["MONGO_URL"],
            product_db=common["MONGO_DB"],
            order_db=service_env("order")["MONGO_DB"],
            inventory_dsn=service_env("inventory")["DATABASE_URL"],
            notification_dsn=service_env("notification")["DATABASE_URL"],
        )


def control(command: str, name: str) -> float:
    """``stack.sh kill|start|stop NAME``; return the seconds it took. Raise StackCommandFailed."""
    started = time.monotonic()
    try:
        result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [str(STACK_SH), command, name],
            capture_output=True,
            text=True,
            timeout=CONTROL_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise StackCommandFailed(f"stack.sh {command} {name}: no answer in {CONTROL_TIMEOUT_S}s") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise StackCommandFailed(f"stack.sh {command} {name}: {detail[-1] if detail else 'failed'}")
    return time.monotonic() - started


def components_down() -> list[str]:
    """The servers and processes ``make status`` shows down."""
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [str(STACK_SH), "status"], capture_output=True, text=True, timeout=60
    )
    return [fields[0] for fields in map(str.split, result.stdout.splitlines()) if fields[1:2] == ["down"]]

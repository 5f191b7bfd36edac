"""A throwaway RabbitMQ vhost per test session, so saga tests never meet the running stack's queues."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, urlsplit, urlunsplit

import requests


def create_vhost(broker_url: str, management_port: int) -> str:
    """Create a new vhost with full permissions for the broker URL's user; return the URL pointing at it."""
    parts = urlsplit(broker_url)
    vhost = f"test-{uuid.uuid4().hex[:8]}"
    api = f"http://{parts.hostname}:{management_port}/api"
    auth = (parts.username, parts.password)
    requests.put(f"{api}/vhosts/{vhost}", auth=auth, timeout=10).raise_for_status()
    requests.put(
        f"{api}/permissions/{vhost}/{parts.username}",
        json={"configure": ".*", "write": ".*", "read": ".*"},
        auth=auth,
        timeout=10,
    ).raise_for_status()
    return urlunsplit(parts._replace(path=f"/{quote(vhost, safe='')}"))


def delete_vhost(broker_url: str, management_port: int) -> None:
    parts = urlsplit(broker_url)
    vhost = parts.path.lstrip("/")
    api = f"http://{parts.hostname}:{management_port}/api"
    requests.delete(f"{api}/vhosts/{vhost}", auth=(parts.username, parts.password), timeout=10)


def queue_depth(broker_url: str, management_port: int, queue: str) -> int:
    parts = urlsplit(broker_url)
    vhost = parts.path.lstrip("/")
    api = f"http://{parts.hostname}:{management_port}/api"
    response = requests.get(
        f"{api}/queues/{vhost}/{queue}", auth=(parts.username, parts.password), timeout=10
    )
    if response.status_code == 404:
        return 0
    response.raise_for_status()
    return response.json().get("messages", 0)


# A broker URL where nothing listens: RabbitMQ unreachable, for tests of an outage.
UNREACHABLE_BROKER_URL = "amqp://platform:platform@127.0.0.1:1/none"


@contextmanager
def connecting_once(app) -> Iterator[None]:
    """Within the block, Celery ``app`` tries a broker connection once instead of a hundred times, so a
    publish to an unreachable broker fails at once."""
    previous = app.conf.broker_connection_max_retries
    app.conf.broker_connection_max_retries = 1
    try:
        yield
    finally:
        app.conf.broker_connection_max_retries = previous

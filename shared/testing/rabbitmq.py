"""A throwaway RabbitMQ vhost per test session, so saga tests never meet the running stack's queues."""

import uuid
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

"""Mailpit's HTTP API, as the tests read it: what reached the SMTP server, found by recipient.

Other suites use the same Mailpit, so tests only ever search for, and delete, their own unique
recipients; never everything.
"""

import os

import requests

from shared.testing.waiting import wait_until

URL = f"http://{os.environ.get('STACK_HOST', '127.0.0.1')}:{os.environ.get('MAILPIT_HTTP_PORT', '8025')}"


def messages_to(recipient: str) -> list[dict]:
    response = requests.get(f"{URL}/api/v1/search", params={"query": f'to:"{recipient}"'}, timeout=5)
    response.raise_for_status()
    return response.json()["messages"]


def wait_for_messages(recipient: str, count: int = 1, timeout: float = 15.0) -> list[dict]:
    """The summaries of the messages to ``recipient`` once there are ``count`` (or what there is at
    the timeout, for the assertion to show)."""
    wait_until(lambda: len(messages_to(recipient)) >= count, timeout=timeout, interval=0.2)
    return messages_to(recipient)


def message(message_id: str) -> dict:
    """One message in full: ``Text``, ``HTML``, ``To``, ``From``, ``Subject``."""
    response = requests.get(f"{URL}/api/v1/message/{message_id}", timeout=5)
    response.raise_for_status()
    return response.json()


def delete_messages_to(recipient: str) -> None:
    requests.delete(f"{URL}/api/v1/search", params={"query": f'to:"{recipient}"'}, timeout=5)

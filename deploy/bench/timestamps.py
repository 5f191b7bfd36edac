"""Server timestamps as Unix time. The services run on this machine, so their clock is ours: a latency
can end at the moment the server recorded (an order's confirmation, an item's creation, an email's
arrival) instead of the moment a poll happened to see it, and polling can be rare and cheap."""

from datetime import datetime


def unix(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()

"""The envelope every message travels in (Kafka value, Redis payload, Celery task kwargs):
``{event_id, event_type, event_version, occurred_at, source, correlation_id, data}``.
Consumers deduplicate on ``event_id``."""

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal

from shared.correlation import get_request_id
from shared.events.schemas import validate_data

EVENT_VERSION = 1


class InvalidEnvelope(ValueError):
    """A message that is not a well-formed envelope of a known event; the message says what is wrong."""


@dataclass(frozen=True)
class Envelope:
    event_id: str
    event_type: str
    event_version: int
    occurred_at: str
    source: str
    correlation_id: str | None
    data: dict

    def as_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), default=_json_default, separators=(",", ":"))


def make_envelope(event_type: str, data: dict, *, source: str, correlation_id: str | None = None) -> Envelope:
    """A new event of ``event_type`` from service ``source``; ``data`` is checked against its schema."""
    data = json.loads(json.dumps(data, default=_json_default))  # Decimals and datetimes become strings
    validate_data(event_type, data)
    return Envelope(
        event_id=str(uuid.uuid4()),
        event_type=event_type,
        event_version=EVENT_VERSION,
        occurred_at=datetime.now(UTC).isoformat(),
        source=source,
        correlation_id=correlation_id or get_request_id(),
        data=data,
    )


def parse_envelope(raw: bytes | str | dict) -> Envelope:
    """Check and return an envelope received from a broker; raise InvalidEnvelope otherwise."""
    if isinstance(raw, bytes | str):
        try:
            raw = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidEnvelope(f"not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise InvalidEnvelope("an envelope is a JSON object")
    missing = {"event_id", "event_type", "event_version", "occurred_at", "source", "data"} - raw.keys()
    if missing:
        raise InvalidEnvelope(f"missing {sorted(missing)}")
    if raw["event_version"] != EVENT_VERSION:
        raise InvalidEnvelope(f"unsupported event_version {raw['event_version']!r}")
    try:
        uuid.UUID(str(raw["event_id"]))
    except ValueError:
        raise InvalidEnvelope(f"event_id {raw['event_id']!r} is not a UUID") from None
    if not isinstance(raw["data"], dict):
        raise InvalidEnvelope("data must be an object")
    validate_data(raw["event_type"], raw["data"], error=InvalidEnvelope)
    return Envelope(
        event_id=str(raw["event_id"]),
        event_type=raw["event_type"],
        event_version=raw["event_version"],
        occurred_at=raw["occurred_at"],
        source=raw["source"],
        correlation_id=raw.get("correlation_id"),
        data=raw["data"],
    )


def _json_default(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")

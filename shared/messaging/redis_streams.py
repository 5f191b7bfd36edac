"""How an envelope travels as a Redis stream entry (``XADD``), for the producer and the consumers alike.

An entry has one field, ``envelope``, holding the envelope's JSON:

    client.xadd(stream, stream_entry(envelope))    # inventory_svc's relay (shared.messaging.publishers)
    envelope = parse_stream_entry(fields)          # notification_svc's listener (redis_listener)

Declared here once so the service that writes a stream and the one that reads it cannot disagree.
"""

from shared.events.envelope import Envelope, InvalidEnvelope, parse_envelope

ENVELOPE_FIELD = "envelope"


def stream_entry(envelope: Envelope) -> dict[str, str]:
    """The fields to ``XADD`` for ``envelope``."""
    return {ENVELOPE_FIELD: envelope.to_json()}


def parse_stream_entry(fields: dict | None) -> Envelope:
    """The envelope of an entry read with ``XREAD``/``XREADGROUP`` (keys and values as str or bytes).

    Raise InvalidEnvelope when the entry carries none, or a malformed one. An entry with a single field
    of another name is read too: the envelope is the only thing an entry carries, and a producer that
    named the field differently should not have its events dropped.
    """
    if not fields:
        # XREADGROUP returns no fields for an entry that was deleted from the stream while pending.
        raise InvalidEnvelope("the stream entry has no fields (deleted from the stream?)")
    by_name = {_text(key): value for key, value in fields.items()}
    if ENVELOPE_FIELD in by_name:
        raw = by_name[ENVELOPE_FIELD]
    elif len(by_name) == 1:
        (raw,) = by_name.values()
    else:
        raise InvalidEnvelope(f"the stream entry has no {ENVELOPE_FIELD!r} field: {sorted(by_name)}")
    return parse_envelope(raw)


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

"""Every message name and shape of the platform, declared once (see names.py, envelope.py, schemas.py,
order_lines.py)."""

from shared.events.envelope import Envelope, InvalidEnvelope, make_envelope, parse_envelope
from shared.events.names import *  # noqa: F403

__all__ = ["Envelope", "InvalidEnvelope", "make_envelope", "parse_envelope"]

"""Tokens for tests: well-formed ones signed with the stack's private key, and the hostile kinds
(expired, foreign key, tampered, unsigned) every service must refuse.

The local stack keeps the private key next to the public one (.stack/secrets/jwt/), so services other
than user_svc, whose settings know only the public key, can still be tested with real signed tokens.
"""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt as pyjwt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from shared.auth.keys import PRIVATE_KEY_NAME


def private_key():
    return (Path(settings.JWT_PUBLIC_KEY_FILE).parent / PRIVATE_KEY_NAME).read_text()


def claims(*, token_type="access", lifetime=timedelta(minutes=5), **extra):
    now = datetime.now(UTC)
    return {
        "token_type": token_type,
        "exp": int((now + lifetime).timestamp()),
        "iat": int(now.timestamp()),
        "jti": uuid.uuid4().hex,
        "iss": settings.SIMPLE_JWT["ISSUER"],
        **extra,
    }


def access_token(*, user_id=None, email="ann@example.com", is_staff=False, **extra):
    payload = claims(user_id=str(user_id or uuid.uuid4()), email=email, is_staff=is_staff, **extra)
    return sign(payload)


def service_token(service="order", **extra):
    return sign(claims(token_type="service", service=service, lifetime=timedelta(days=1), **extra))


def sign(payload, key=None, algorithm="RS256"):
    return pyjwt.encode(payload, key or private_key(), algorithm=algorithm)


def foreign_key_token(**claim_values):
    """Well-formed, but signed by a key that is not the platform's."""
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return sign(claims(**claim_values), key=other)


def unsigned_token(**claim_values):
    """alg "none": no signature at all."""
    return pyjwt.encode(claims(**claim_values), key=None, algorithm="none")


def tampered_token(token, **changes):
    """The same signature over a payload changed afterwards (e.g. is_staff=True)."""
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def public_key_as_hmac_secret_token(**claim_values):
    """The classic key-confusion forgery: HS256 keyed with the (public) verifying key."""
    import hashlib
    import hmac

    def encode(part):
        return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()

    signing_input = f"{encode({'alg': 'HS256', 'typ': 'JWT'})}.{encode(claims(**claim_values))}"
    secret = settings.SIMPLE_JWT["VERIFYING_KEY"].encode()
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"

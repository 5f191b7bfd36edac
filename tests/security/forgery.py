"""Tokens an attacker would try, made from a real customer's access token: its claims are read without
verification, then altered, re-signed with the wrong key, left unsigned or signed the wrong way.

Each forgery has exactly one defect: its claims are fresh (a new ``exp`` and ``jti``) unless expiry is
the defect, so a refusal can only come from the defect under test. The expired token is signed with the
platform's real private key (the local stack keeps it, .stack/secrets/jwt/), so that only its expiry
is wrong.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import service_env

LIFETIME_SECONDS = 300


def claims_of(token: str, **changes) -> dict:
    """The token's claims, read without verification, made fresh, with ``changes`` applied."""
    now = int(time.time())
    claims = jwt.decode(token, options={"verify_signature": False})
    return {**claims, "iat": now, "exp": now + LIFETIME_SECONDS, "jti": uuid.uuid4().hex, **changes}


def platform_signed(claims: dict) -> str:
    """Signed with user_svc's own private key: what only user_svc can make."""
    return jwt.encode(claims, Path(service_env("user")["JWT_PRIVATE_KEY_FILE"]).read_text(), "RS256")


def expired(token: str) -> str:
    now = int(time.time())
    return platform_signed(claims_of(token, iat=now - 2 * LIFETIME_SECONDS, exp=now - 60))


def wrong_signature(token: str) -> str:
    """Staff claims signed by a freshly generated RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims_of(token, is_staff=True), key, "RS256")


def unsigned(token: str) -> str:
    """Staff claims with ``alg: none`` and no signature."""
    return jwt.encode(claims_of(token, is_staff=True), None, "none")


def tampered(token: str) -> str:
    """The genuine signature over a payload changed afterwards: ``is_staff`` flipped to true."""
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return f"{header}.{_segment({**data, 'is_staff': True})}.{signature}"


def public_key_as_hmac_secret(token: str) -> str:
    """The key-confusion forgery: HS256 keyed with the platform's public key, which anyone may know."""
    secret = Path(service_env("product")["JWT_PUBLIC_KEY_FILE"]).read_bytes()
    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT'})}.{_segment(claims_of(token, is_staff=True))}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _segment(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()

"""RSA key files for JWT signing (user_svc) and verification (every service), and their creation."""

import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PRIVATE_KEY_NAME = "jwt_private.pem"
PUBLIC_KEY_NAME = "jwt_public.pem"


def read_key(path):
    """Return the PEM text at ``path``, failing with the path in the message."""
    try:
        return Path(path).read_text()
    except OSError as exc:
        raise RuntimeError(f"cannot read JWT key file {path}: {exc.strerror}") from None


def generate_key_pair(private_dir, public_dir=None):
    """Write a new 2048-bit RSA key pair unless one is there already; return the two paths."""
    private_path = Path(private_dir) / PRIVATE_KEY_NAME
    public_path = Path(public_dir or private_dir) / PUBLIC_KEY_NAME
    if private_path.exists() and public_path.exists():
        return private_path, public_path
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private_path, public_path


if __name__ == "__main__":
    # python -m shared.auth.keys PRIVATE_DIR [PUBLIC_DIR]
    generate_key_pair(*sys.argv[1:3])

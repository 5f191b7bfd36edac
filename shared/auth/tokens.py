"""Token kinds beyond simplejwt's own access and refresh tokens."""

from datetime import timedelta

from rest_framework_simplejwt.tokens import Token

SERVICE_CLAIM = "service"


class ServiceToken(Token):
    """A service's credential for calls to other services: ``{"token_type": "service", "service": name}``."""

    token_type = "service"  # noqa: S105  (a claim value, not a secret)
    lifetime = timedelta(days=365)

    @classmethod
    def for_service(cls, name, lifetime=None):
        token = cls()
        if lifetime is not None:
            token.set_exp(lifetime=lifetime)
        token[SERVICE_CLAIM] = name
        return token

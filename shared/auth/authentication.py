"""DRF authentication: a bearer JWT verified with the platform's public key (RS256 only)."""

from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

from shared.auth.principals import PlatformUser, ServicePrincipal
from shared.auth.tokens import SERVICE_CLAIM, ServiceToken


class JWTAuthentication(JWTStatelessUserAuthentication):
    """Authenticate from the token alone: no database read, no call to user_svc."""

    def get_user(self, validated_token):
        if validated_token.get("token_type") == ServiceToken.token_type:
            if not validated_token.get(SERVICE_CLAIM):
                raise InvalidToken("Service token names no service.")
            return ServicePrincipal(validated_token)
        if "user_id" not in validated_token:
            raise InvalidToken("Token contained no recognizable user identification.")
        return PlatformUser(validated_token)


# Registers the OpenAPI description of this class with drf-spectacular.
from shared.auth import schema  # noqa: E402, F401

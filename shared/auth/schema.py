"""How drf-spectacular documents the shared bearer authentication (imported by authentication.py)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PlatformJWTScheme(OpenApiAuthenticationExtension):
    target_class = "shared.auth.authentication.JWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "Access token from POST /api/v1/auth/login (RS256, issued by user_svc), or a "
            "service token from user_svc's `manage.py issue_service_token`.",
        }

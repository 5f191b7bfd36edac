"""How drf-spectacular documents the shared bearer authentication (imported by authentication.py).

One token, two ways to get it, declared as two security schemes that each suffice: ``jwtAuth``, a bearer
token pasted in (from the login's JSON body, or a service token), and ``oauth2``, the OAuth2 password flow
against user_svc's login, so that Swagger UI's "Authorize" dialog logs in with an email and a password and
sends the access token it receives. The URLs are the gateway's, where every service's docs are served.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

TOKEN_URL = "/api/v1/auth/login/"  # noqa: S105 - a URL, not a secret
REFRESH_URL = "/api/v1/auth/refresh/"

BEARER = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "Access token from POST /api/v1/auth/login (RS256, issued by user_svc), or a "
    "service token from user_svc's `manage.py issue_service_token`.",
}
PASSWORD_FLOW = {
    "type": "oauth2",
    "description": "The same access token, from the OAuth2 password grant: user_svc's login takes the "
    "account's email as `username` (client id and secret are not needed; the API has no scopes).",
    "flows": {"password": {"tokenUrl": TOKEN_URL, "refreshUrl": REFRESH_URL, "scopes": {}}},
}


class PlatformJWTScheme(OpenApiAuthenticationExtension):
    target_class = "shared.auth.authentication.JWTAuthentication"
    name = ["jwtAuth", "oauth2"]

    def get_security_requirement(self, auto_schema):
        return [{"jwtAuth": []}, {"oauth2": []}]  # either one: both give the same bearer token

    def get_security_definition(self, auto_schema):
        return [BEARER, PASSWORD_FLOW]

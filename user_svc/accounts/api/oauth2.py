"""The OAuth2 form of the token endpoints (RFC 6749), next to their JSON bodies: the resource owner
password grant at login (§4.3) and the refresh token grant at refresh (§6), each an
``application/x-www-form-urlencoded`` body, answered with the token response of §5.1 and the errors of
§5.2. It is what Swagger UI's "Authorize" (password flow), OAuth2 client libraries and clients written
for FastAPI's ``OAuth2PasswordRequestForm`` send. The media type chooses the form: a JSON body keeps the
platform's own shapes (``{email, password}``, ``{refresh}`` → ``{access, refresh}``) and errors.

Decisions, for the form only:

- ``grant_type`` may be left out (FastAPI's clients do); given, it must be the endpoint's grant (login:
  ``password``, refresh: ``refresh_token``), else 400 ``unsupported_grant_type``.
- ``scope``: the platform has no scopes, a token carries the account's rights. Absent or empty (Swagger
  UI sends it empty) is accepted; anything else is 400 ``invalid_scope``, not silently widened.
- ``client_id`` is accepted and not checked: every client is public (§2.1), none is registered.
- Wrong credentials, and a refresh token that is invalid, expired or used: 400 ``invalid_grant``, where
  the JSON body answers 401. A token endpoint's 401 says the *client* failed to authenticate
  (``invalid_client``), so OAuth2 clients would retry client credentials instead of asking the user.
- A malformed body or an unknown field: 400 ``invalid_request``, naming the fields.
- Too many attempts: 429 with ``Retry-After`` and the platform's ``{detail}``, as for the JSON body and the
  gateway's own 429 (RFC 6749 has no error code for it).
- Token answers, in either form, are not to be stored by caches (§5.1: ``Cache-Control: no-store``).
"""

from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from shared.strict import StrictSerializer

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
NO_SCOPES = "This API has no scopes (a token carries the account's rights): leave scope out or empty."


class OAuth2Error(APIException):
    """An RFC 6749 §5.2 error answer: ``{"error": code, "error_description": text}``, 400."""

    status_code = 400

    def __init__(self, error: str, description: str):
        super().__init__({"error": error, "error_description": description}, code=error)


def _scope_field():
    return serializers.CharField(required=False, allow_blank=True, max_length=1000, help_text=NO_SCOPES)


def _client_id_field():
    return serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Accepted and not checked: every client is public, none is registered.",
    )


class PasswordGrantSerializer(StrictSerializer):
    """The OAuth2 password grant (RFC 6749 §4.3.2), as Swagger UI's "Authorize" sends it."""

    grant_type = serializers.ChoiceField(choices=["password"], required=False, help_text="May be left out.")
    username = serializers.CharField(max_length=254, help_text="The account's email address.")
    password = serializers.CharField(trim_whitespace=False, max_length=128)
    scope = _scope_field()
    client_id = _client_id_field()


class RefreshGrantSerializer(StrictSerializer):
    """The OAuth2 refresh token grant (RFC 6749 §6)."""

    grant_type = serializers.ChoiceField(
        choices=["refresh_token"], required=False, help_text="May be left out."
    )
    refresh_token = serializers.CharField(max_length=4096)
    scope = _scope_field()
    client_id = _client_id_field()


class OAuth2TokenSerializer(serializers.Serializer):
    """RFC 6749 §5.1's token response, the answer to the OAuth2 form."""

    access_token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["bearer"])
    expires_in = serializers.IntegerField(help_text="Seconds the access token lives.")
    refresh_token = serializers.CharField()


def is_form(request) -> bool:
    """Whether the request speaks the OAuth2 form (by its media type) rather than JSON."""
    return request.content_type.partition(";")[0].strip().lower() == FORM_MEDIA_TYPE


def password_grant(request) -> dict[str, str]:
    """The credentials of a password grant form: ``{email, password}``, or OAuth2Error."""
    form = _grant_form(request, "password", PasswordGrantSerializer)
    return {"email": form["username"], "password": form["password"]}


def refresh_grant(request) -> str:
    """The refresh token of a refresh grant form, or OAuth2Error."""
    return _grant_form(request, "refresh_token", RefreshGrantSerializer)["refresh_token"]


def invalid_grant(message: str) -> OAuth2Error:
    return OAuth2Error("invalid_grant", message)


def token_response(pair: dict[str, str]) -> Response:
    lifetime = int(jwt_settings.ACCESS_TOKEN_LIFETIME.total_seconds())
    body = {
        "access_token": pair["access"],
        "token_type": "bearer",
        "expires_in": lifetime,
        "refresh_token": pair["refresh"],
    }
    return Response(body, headers=NO_STORE)


def _grant_form(request, grant_type: str, serializer_class) -> dict:
    # The grant first: a client asking for another grant learns that, whatever else its form lacks.
    if "grant_type" in request.data and request.data["grant_type"] != grant_type:
        raise OAuth2Error("unsupported_grant_type", f"This endpoint grants grant_type={grant_type} only.")
    payload = serializer_class(data=request.data)
    if not payload.is_valid():
        raise OAuth2Error("invalid_request", _describe(payload.errors))
    if payload.validated_data.get("scope", "").strip():
        raise OAuth2Error("invalid_scope", NO_SCOPES)
    return payload.validated_data


def _describe(errors: dict) -> str:
    return "; ".join(f"{field}: {' '.join(map(str, messages))}" for field, messages in errors.items())

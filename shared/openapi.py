"""How the OpenAPI schemas document the error answers (CONTRACT.md: DRF's shapes, the right status), so
that a client, or the fuzzing suite, knows every status an operation can give.

``ErrorDocumentingSchema`` is every view's schema class (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS): it adds
the statuses that follow from the operation's shape (400 when it takes input, 401 when it reads a token,
403 when a permission can refuse, 404 when the path names an object, 503 everywhere: a dependency down,
``shared.outages``), and marks the request bodies of ``shared.strict`` serializers
``additionalProperties: false``. Statuses only some operations give (409, 429) are declared on them with
``error_responses(...)`` inside ``extend_schema(responses=...)``.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated

from shared.strict import StrictFieldsMixin

ERROR_DESCRIPTIONS = {
    400: "Invalid input: `{field: [messages]}` or `{detail}`. A body field or list query parameter the "
    "operation does not declare is invalid too (named in the answer), as is a number outside its bounds.",
    401: "No token, or an invalid or expired one.",
    403: "The caller may not do this.",
    404: "No such object, or not the caller's.",
    409: "Conflicts with the current state (a duplicate, a transition not allowed): `{detail}` or "
    "`{field: [messages]}`.",
    429: "Too many attempts; wait for `Retry-After` seconds.",
    503: "A dependency (a database, a broker, another service) is unavailable, named in `dependency`; "
    "retry after `Retry-After` seconds.",
}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class DependencyErrorSerializer(ErrorSerializer):
    dependency = serializers.CharField(help_text="postgresql, mongodb, redis, rabbitmq, kafka or a service")


def error_responses(*codes: int) -> dict:
    """``{code: response}`` for ``extend_schema(responses={200: ..., **error_responses(409)})``."""
    return {code: error_response(code) for code in codes}


def error_response(code: int, description: str | None = None) -> OpenApiResponse:
    # Validation errors and duplicates are keyed by field name, so they are any object; the others carry
    # a "detail".
    body = {400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT, 503: DependencyErrorSerializer}.get(
        code, ErrorSerializer
    )
    return OpenApiResponse(body, description=description or ERROR_DESCRIPTIONS[code])


class ErrorDocumentingSchema(AutoSchema):
    """drf-spectacular's schema plus the error statuses every operation of this shape can answer."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._implied_errors(operation):
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(error_response(code), str(code))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(force_instance(serializer), StrictFieldsMixin):
            schema["additionalProperties"] = False  # shared.strict refuses any other key
        return schema

    def _implied_errors(self, operation) -> list[int]:
        parameters = operation.get("parameters", [])
        codes = []
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            codes.append(400)
        if self.view.get_authenticators():
            codes.append(401)  # a bad token is refused even where no token is needed
        # A tuple, not "|": DRF's permission classes overload "|" to combine permissions.
        if any(not isinstance(p, (AllowAny, IsAuthenticated)) for p in self.view.get_permissions()):
            codes.append(403)
        if any(p["in"] == "path" for p in parameters):
            codes.append(404)
        codes.append(503)  # every operation reads or writes some server that may be down
        return codes

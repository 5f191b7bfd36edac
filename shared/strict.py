"""Strict input: a body field or a query parameter that an endpoint does not know is a 400 naming it.

DRF ignores keys a serializer has no field for, so a client that misspells a field, or sends one this
API does not have (``quantity`` for ``initial_stock``), gets a 2xx and believes it was stored. Every
serializer that reads input here derives from ``StrictSerializer`` (bodies) or ``StrictQuerySerializer``
(a list's query string) instead: the unknown keys are refused together, in DRF's ``{field: [messages]}``
shape, before any field is validated. Read-only fields count as unknown in input — the request schemas
(drf-spectacular's ``COMPONENT_SPLIT_REQUEST``) leave them out, and a value the server would not store
is a value silently dropped. ``shared.openapi`` marks these request bodies ``additionalProperties: false``.

Nested serializers are checked at their own level, so an unknown key inside an order line is named
with its path (``{"items": [{"colour": [...]}]}``).
"""

from collections.abc import Mapping
from difflib import get_close_matches

from django.http import QueryDict
from rest_framework import serializers
from rest_framework.settings import api_settings

# What Django's CSRF check reads from an HTML form post (the browsable API's forms carry it).
CSRF_FORM_FIELD = "csrfmiddlewaretoken"


class StrictFieldsMixin:
    """Refuses the keys of a mapping input that are not writable fields of this serializer."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            accepted = self.accepted_keys(data)
            unknown = sorted(key for key in data if key not in accepted)
            if unknown:
                raise serializers.ValidationError({key: [self.unknown_message(key)] for key in unknown})
        return super().to_internal_value(data)

    def accepted_keys(self, data) -> set[str]:
        keys = {name for name, field in self.fields.items() if not field.read_only}
        if isinstance(data, QueryDict):  # an HTML form (or a query string): its CSRF token is no field
            keys.add(CSRF_FORM_FIELD)
        return keys

    def unknown_message(self, key: str) -> str:
        if key in self.fields:
            return "This field is read-only."
        writable = sorted(name for name, field in self.fields.items() if not field.read_only)
        close = get_close_matches(key, writable, n=1, cutoff=0.7)
        if close:
            return f"Unknown field; did you mean '{close[0]}'?"
        return f"Unknown field; this endpoint takes: {', '.join(writable) or 'no fields'}."


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    """A request body with exactly the fields declared."""


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A model-backed request body with exactly the writable fields declared."""


class StrictQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    """A list's query string with exactly the parameters declared (``request.query_params`` as data).

    ``?format=`` is DRF's own (the browsable API's "json" / "api" links), so every list accepts it.
    """

    def accepted_keys(self, data) -> set[str]:
        return super().accepted_keys(data) | {api_settings.URL_FORMAT_OVERRIDE}

    def unknown_message(self, key: str) -> str:
        return super().unknown_message(key).replace("Unknown field", "Unknown query parameter", 1)

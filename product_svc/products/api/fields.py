"""Serializer fields that read like their JSON counterparts and also work in the browsable API's forms."""

import json

from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html
from rest_framework.utils.serializer_helpers import JSONBoundField


class JSONText(str):
    """Form input to be read as JSON (DRF's ``JSONBoundField`` shows it back to the form unchanged)."""

    is_json_string = True


class JSONTextDictField(serializers.DictField):
    """A ``DictField`` (same JSON input, output and schema) that an HTML form fills as JSON text.

    DRF's ``DictField`` expects form keys like ``attributes.colour`` and renders no input at all; this
    one is a textarea holding a JSON object, read like a JSON body's object (blank: ``{}``). JSON bodies
    are read as before (a JSON string is not parsed there: it is not a dictionary). A serializer with
    ``JSONTextFormMixin`` binds it like DRF's ``JSONField``, so the form shows the value as JSON text.
    """

    default_error_messages = {"invalid_json": "Value must be valid JSON."}

    def __init__(self, **kwargs):
        kwargs.setdefault("style", {"base_template": "textarea.html", "rows": 4})
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        if not html.is_html_input(dictionary):
            return super().get_value(dictionary)
        if self.field_name not in dictionary:
            return empty
        text = dictionary[self.field_name]
        if not isinstance(text, str):  # an uploaded file: refused as not a dictionary
            return text
        # A blank box is an empty object, as a present but empty DictField input is in DRF.
        return JSONText(text if text.strip() else "{}")

    def to_internal_value(self, data):
        if getattr(data, "is_json_string", False):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid_json")
        return super().to_internal_value(data)


# For a serializer with JSONTextDictFields: bind them as DRF binds a JSONField, whose form field shows the
# value as JSON text rather than a Python repr. (A comment, not a docstring: drf-spectacular would take a
# docstring as the description of every serializer using the mixin.)
class JSONTextFormMixin:
    def __getitem__(self, key):
        bound = super().__getitem__(key)
        if isinstance(bound._field, JSONTextDictField):
            return JSONBoundField(bound._field, bound.value, bound.errors)
        return bound

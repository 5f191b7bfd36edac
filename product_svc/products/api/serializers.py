"""Shapes of the product API. Money is a decimal string with two places."""

import math
import re

from rest_framework import serializers

from products.api.fields import JSONTextDictField, JSONTextFormMixin
from products.repository import ORDERINGS
from shared.pagination import PageQuerySerializer
from shared.strict import StrictSerializer

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
ATTRIBUTE_KEY = re.compile(r"^[A-Za-z0-9_ -]{1,64}$")
MAX_IDS = 100
INT64 = range(-(2**63), 2**63)  # the integers a BSON document holds
TEXTAREA = {"base_template": "textarea.html"}  # the browsable API's form: a box for longer text


class ProductSerializer(JSONTextFormMixin, StrictSerializer):
    id = serializers.CharField(read_only=True)
    sku = serializers.RegexField(SKU_PATTERN, max_length=64)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", style=TEXTAREA
    )
    category = serializers.CharField(max_length=100)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, coerce_to_string=True)
    # ``initial``: what the browsable API's empty form shows (the defaults; the schema is unchanged).
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, default="USD", initial="USD")
    attributes = JSONTextDictField(required=False, default=dict)
    initial_stock = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, default=0, initial=0, write_only=True
    )
    is_active = serializers.BooleanField(required=False, default=True, initial=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate_attributes(self, value):
        # Keys become MongoDB field names: no "$" operators, no dotted paths.
        if len(value) > 50:
            raise serializers.ValidationError("At most 50 attributes.")
        for key, item in value.items():
            if not ATTRIBUTE_KEY.match(key):
                raise serializers.ValidationError(
                    f"Attribute name {key!r}: letters, digits, space, _ and - only."
                )
            if not isinstance(item, str | int | float | bool) or (isinstance(item, str) and len(item) > 500):
                raise serializers.ValidationError(f"Attribute {key!r}: a short string, number or boolean.")
            # JSON reads 1e400 as infinity and has no bound on integers; MongoDB stores neither.
            if (isinstance(item, float) and not math.isfinite(item)) or (
                isinstance(item, int) and item not in INT64
            ):
                raise serializers.ValidationError(f"Attribute {key!r}: a finite number within 64 bits.")
        return value

    def validate(self, attrs):
        if self.instance is not None and "initial_stock" in self.initial_data:
            raise serializers.ValidationError(
                {"initial_stock": ["Set only at creation; stock is changed in the inventory service."]}
            )
        return attrs


class ProductWriteSerializer(ProductSerializer):
    """For PUT/PATCH: the same fields without creation defaults, so a PATCH changes only what it names."""

    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, style=TEXTAREA)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    attributes = JSONTextDictField(required=False)
    initial_stock = serializers.IntegerField(read_only=True)
    is_active = serializers.BooleanField(required=False)


class ProductQuerySerializer(PageQuerySerializer):
    """The list's query parameters; anything malformed is a 400 naming the parameter."""

    category = serializers.CharField(max_length=100, required=False)
    min_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    max_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    search = serializers.CharField(max_length=100, required=False, trim_whitespace=True)
    # ASCII only and sized for 100 ids of 36 characters, so the longest valid list still fits in a URL.
    ids = serializers.RegexField(r"^[A-Za-z0-9,-]+$", max_length=MAX_IDS * 37, required=False)
    ordering = serializers.ChoiceField(choices=sorted(ORDERINGS), required=False, default="-created_at")

    def validate_ids(self, value):
        ids = [item.strip() for item in value.split(",") if item.strip()]
        if not ids:
            raise serializers.ValidationError("Give at least one product id.")
        if len(ids) > MAX_IDS:
            raise serializers.ValidationError(f"At most {MAX_IDS} ids.")
        if any(len(item) > 36 for item in ids):
            raise serializers.ValidationError("Product ids are at most 36 characters.")
        return ids

    def validate(self, attrs):
        low, high = attrs.get("min_price"), attrs.get("max_price")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"min_price": ["Must not be greater than max_price."]})
        return attrs

"""Shapes of the order API. Money is a decimal string with two places."""

from rest_framework import serializers

from orders.services import MAX_QUANTITY, STATUSES

MAX_LINES = 100


class LineInSerializer(serializers.Serializer):
    # product_svc ids are uuid strings; its ids filter takes at most 36 characters per id.
    product_id = serializers.RegexField(r"^[A-Za-z0-9-]{1,36}$")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class OrderCreateSerializer(serializers.Serializer):
    items = LineInSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    shipping_address_id = serializers.RegexField(r"^[A-Za-z0-9-]{1,64}$", required=False, allow_null=True)


class LineSerializer(serializers.Serializer):
    product_id = serializers.CharField()
    sku = serializers.CharField()
    name = serializers.CharField()
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    quantity = serializers.IntegerField()
    line_total = serializers.DecimalField(max_digits=16, decimal_places=2)


class HistorySerializer(serializers.Serializer):
    status = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.CharField(allow_null=True)


class OrderSerializer(serializers.Serializer):
    id = serializers.CharField()
    user_id = serializers.CharField()
    customer_email = serializers.CharField(
        allow_null=True, help_text="The customer's email when the order was placed; null on older orders."
    )
    status = serializers.CharField()
    items = LineSerializer(many=True)
    total = serializers.DecimalField(max_digits=16, decimal_places=2)
    currency = serializers.CharField()
    shipping_address = serializers.DictField(allow_null=True)
    failure_reason = serializers.CharField(allow_null=True)
    shortages = serializers.ListField(child=serializers.DictField())
    status_history = HistorySerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=STATUSES)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)


class OrderQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=STATUSES, required=False)
    user_id = serializers.RegexField(r"^[A-Za-z0-9-]{1,64}$", required=False)
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=20)
    offset = serializers.IntegerField(min_value=0, max_value=100_000, required=False, default=0)

"""Shapes of the order API. Money is a decimal string with two places."""

from decimal import Decimal

from rest_framework import serializers

from orders.services import REQUESTABLE, STATUSES
from shared.events.order_lines import MAX_LINES, MAX_QUANTITY
from shared.pagination import PageQuerySerializer
from shared.postal import CountryField, PhoneField, RegionField, validate_postal
from shared.strict import StrictSerializer


class LineInSerializer(StrictSerializer):
    # product_svc ids are uuid strings; its ids filter takes at most 36 characters per id.
    product_id = serializers.RegexField(r"^[A-Za-z0-9-]{1,36}$")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class ShippingAddressSerializer(StrictSerializer):
    """An address as user_svc's addresses have it (same fields, limits and shared.postal rules), given
    inline or snapshotted from the caller's saved address; ``id`` is the saved address's, null inline."""

    id = serializers.CharField(read_only=True, allow_null=True)
    label = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    region = RegionField(default="")
    postal_code = serializers.CharField(max_length=20)
    country = CountryField()
    phone = PhoneField(in_address=True, default="")

    def validate(self, attrs):
        return validate_postal(attrs)


class OrderCreateSerializer(StrictSerializer):
    items = LineInSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    shipping_address_id = serializers.RegexField(r"^[A-Za-z0-9-]{1,64}$", required=False, allow_null=True)
    shipping_address = ShippingAddressSerializer(
        required=False,
        allow_null=True,
        help_text="The address itself, instead of shipping_address_id (a saved address): not both.",
    )


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


class PaymentSerializer(serializers.Serializer):
    reference = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    currency = serializers.CharField()
    method = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()


class RefundSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    reason = serializers.CharField()
    restock = serializers.BooleanField()
    at = serializers.DateTimeField()


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
    shipping_address = ShippingAddressSerializer(allow_null=True)
    failure_reason = serializers.CharField(allow_null=True)
    shortages = serializers.ListField(child=serializers.DictField())
    status_history = HistorySerializer(many=True)
    payment_due_at = serializers.DateTimeField(
        allow_null=True,
        help_text="Set when the order is confirmed: unpaid by then, it is cancelled and its stock released.",
    )
    amount_paid = serializers.DecimalField(max_digits=16, decimal_places=2)
    payments = PaymentSerializer(many=True)
    refunds = RefundSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class StatusChangeSerializer(StrictSerializer):
    # Only what a status request sets; confirmed/failed (the saga), paid (a payment) and refunded (a
    # refund) are answered 409 by the view, naming what sets them.
    status = serializers.ChoiceField(choices=REQUESTABLE)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)


_MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}


class PaymentCreateSerializer(StrictSerializer):
    amount = serializers.DecimalField(**_MONEY, help_text='A decimal string, e.g. "19.99".')
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", help_text="ISO 4217, e.g. USD.")
    reference = serializers.RegexField(
        r"^[\x21-\x7e]{1,100}$",
        help_text="The payment's id at the provider: the same reference again records nothing.",
    )
    method = serializers.CharField(max_length=50, required=False, allow_blank=True, allow_null=True)

    def validate_currency(self, value):
        return value.upper()


class RefundCreateSerializer(StrictSerializer):
    amount = serializers.DecimalField(**_MONEY, help_text="The paid sum: only full refunds are supported.")
    reason = serializers.CharField(max_length=500)
    restock = serializers.BooleanField(
        default=False,
        help_text="After delivery: the goods came back and return to stock. Before shipping the reserved "
        "stock is released whatever this says.",
    )


class OrderQuerySerializer(PageQuerySerializer):
    status = serializers.ChoiceField(choices=STATUSES, required=False)
    user_id = serializers.RegexField(r"^[A-Za-z0-9-]{1,64}$", required=False)

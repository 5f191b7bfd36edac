from rest_framework import serializers

from shared.events.order_lines import MAX_LINES, MAX_QUANTITY
from shared.pagination import PageQuerySerializer
from shared.strict import StrictQuerySerializer, StrictSerializer
from stock.models import Item, Movement


class ItemSerializer(serializers.ModelSerializer):
    id = serializers.CharField(read_only=True)
    available = serializers.IntegerField(read_only=True)
    is_low_stock = serializers.BooleanField(read_only=True)

    class Meta:
        model = Item
        fields = [
            "id", "product_id", "product_name", "sku", "quantity", "reserved", "available",
            "reorder_threshold", "is_low_stock", "is_active", "updated_at",
        ]  # fmt: skip
        # The name follows the catalog's product events; nothing here sets it.
        read_only_fields = ["product_name", "reserved", "is_active", "updated_at"]


class ItemCreateSerializer(StrictSerializer):
    product_id = serializers.CharField(max_length=64)
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=0, max_value=10_000_000)
    reorder_threshold = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False)


class ItemAdjustSerializer(StrictSerializer):
    """PUT/PATCH of an item: the absolute new quantity, the threshold, the sku, and why."""

    sku = serializers.CharField(max_length=64, required=False)
    quantity = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False)
    reorder_threshold = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ItemFilterSerializer(PageQuerySerializer):
    product_id = serializers.CharField(max_length=64, required=False)
    low_stock = serializers.BooleanField(required=False, allow_null=True, default=None)


class MovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Movement
        fields = [
            "id", "kind", "quantity_delta", "reserved_delta", "quantity_after",
            "reserved_after", "order_id", "actor", "reason", "created_at",
        ]  # fmt: skip


class LineSerializer(StrictSerializer):
    """An order line (shared.events.order_lines); stock_reserve merges lines of the same product."""

    product_id = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class ReserveSerializer(StrictSerializer):
    order_id = serializers.CharField(max_length=64)
    items = LineSerializer(many=True, allow_empty=False, max_length=MAX_LINES)


class ReleaseSerializer(StrictSerializer):
    order_id = serializers.CharField(max_length=64)


class ReservationAnswerSerializer(serializers.Serializer):
    order_id = serializers.CharField()
    status = serializers.CharField()
    shortages = serializers.ListField(child=serializers.DictField(), required=False)


class CheckQuerySerializer(StrictQuerySerializer):
    product_id = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)


class CheckAnswerSerializer(serializers.Serializer):
    product_id = serializers.CharField()
    requested = serializers.IntegerField()
    available = serializers.IntegerField()
    in_stock = serializers.BooleanField()

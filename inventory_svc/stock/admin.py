from django.contrib import admin

from stock.models import Item, Movement, OrderReservation, Reservation


class ReadOnlyAdmin(admin.ModelAdmin):
    """The audit trail and the reservations change only through the stock services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = [
        "sku",
        "product_id",
        "quantity",
        "reserved",
        "available",
        "reorder_threshold",
        "is_active",
    ]
    list_filter = ["is_active", "low_stock_alerted"]
    search_fields = ["sku", "product_id"]
    # Stock moves through the API (which records history and events), never by editing numbers here.
    readonly_fields = [
        "id",
        "product_id",
        "quantity",
        "reserved",
        "low_stock_alerted",
        "created_at",
        "updated_at",
    ]


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "item", "kind", "quantity_delta", "reserved_delta", "order_id", "actor"]
    list_filter = ["kind"]
    search_fields = ["item__sku", "item__product_id", "order_id"]


class ReservationInline(admin.TabularInline):
    model = Reservation
    extra = 0
    can_delete = False
    readonly_fields = ["item", "quantity", "status", "created_at", "released_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OrderReservation)
class OrderReservationAdmin(ReadOnlyAdmin):
    list_display = ["order_id", "status", "created_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["order_id"]
    inlines = [ReservationInline]

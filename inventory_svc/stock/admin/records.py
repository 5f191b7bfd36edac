"""The audit trail (movements) and the reservations: records of what the stock services did, read-only."""

from django.contrib import admin

from shared.admin.audit import StaffModelAdmin
from stock.admin.filters import ItemFilter
from stock.models import Movement, OrderReservation, Reservation


class ReadOnlyAdmin(StaffModelAdmin):
    """The audit trail and the reservations change only through the stock services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at", "item", "kind", "quantity_delta", "reserved_delta", "order_id", "actor", "reason",
    ]  # fmt: skip
    list_filter = ["kind", ItemFilter]
    list_select_related = ["item"]
    search_fields = ["item__product_name", "item__sku", "item__product_id", "order_id", "actor"]
    ordering = ["-id"]  # newest first


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

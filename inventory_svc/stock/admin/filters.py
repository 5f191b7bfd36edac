"""The sidebar filters of the stock lists that are more than a plain field's values."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from stock import selectors


class LowStockFilter(admin.SimpleListFilter):
    """Available units at or below the reorder threshold, as now (not the alert's edge flag)."""

    title = "low stock"
    parameter_name = "low_stock"

    def lookups(self, request, model_admin):
        return [("yes", "Low (available ≤ threshold)"), ("no", "Above the threshold")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(selectors.low_stock_condition())
        if self.value() == "no":
            return queryset.exclude(selectors.low_stock_condition())
        return queryset


class LinkedFilter(admin.SimpleListFilter):
    """A filter set by a link from elsewhere (an e-mail, another admin page), never picked from a list:
    it shows in the sidebar only while set, titled with what it narrows to, so staff see the list is
    narrowed and can clear it. Subclasses say how the value reads (``label``) and filters (``field``)."""

    field = ""

    def label(self, value) -> str:
        raise NotImplementedError

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, self.label(value))] if value else []

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


class ProductFilter(LinkedFilter):
    """``?product_id=``: the link of the low-stock e-mail (notification_svc's ``INVENTORY_ADMIN_URL``)."""

    title = "product"
    parameter_name = field = "product_id"

    def label(self, value):
        item = selectors.item_for_product(product_id=value)
        return str(item) if item is not None else value


class ItemFilter(LinkedFilter):
    """``?item=<id>``: one item's movements, linked from the item's page."""

    title = "item"
    parameter_name = field = "item"

    def label(self, value):
        try:
            item = selectors.item_get(item_id=value)
        except ValidationError:  # not a UUID: the list says so (Django's "?e=1") when it filters
            item = None
        return str(item) if item is not None else value

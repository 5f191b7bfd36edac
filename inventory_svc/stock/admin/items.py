"""Staff's page of stock: the item list, and each item's numbers, history and "Adjust stock" form.

Items are made by ``product.created`` and deactivated by ``product.deleted``, so nothing is added or
deleted here; their numbers are read-only, because every change of stock goes through
``services.item_adjust``, which records a movement (who and why), writes the outbox event and the
low-stock edge in the same transaction. Django's change form would save the row directly, so the item
page is Django's read-only view, and the adjust form on it posts to a view of its own (the pattern of
Django's "change password" page for users).
"""

from urllib.parse import quote as url_quote

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from shared.admin.audit import StaffModelAdmin
from shared.admin.inlines import ReadOnlyInlineMixin
from stock import services
from stock.admin.filters import LowStockFilter, ProductFilter
from stock.admin.forms import StockAdjustForm
from stock.errors import QuantityBelowReserved, StockError
from stock.models import Item, Movement

HISTORY_ROWS = 50  # movements shown on the item page; the movement list has them all

AVAILABLE = F("quantity") - F("reserved")


class RecentMovements(BaseInlineFormSet):
    """The newest ``HISTORY_ROWS`` movements only (an inline formset otherwise shows every row)."""

    def get_queryset(self):
        if not hasattr(self, "_recent"):
            self._recent = super().get_queryset()[:HISTORY_ROWS]
        return self._recent


class MovementInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Movement
    formset = RecentMovements
    verbose_name_plural = f"Latest movements (newest first, up to {HISTORY_ROWS})"
    fields = ["created_at", "kind", "quantity_delta", "reserved_delta", "order_id", "actor", "reason"]
    readonly_fields = fields
    ordering = ["-id"]
    can_delete = False


@admin.register(Item)
class ItemAdmin(StaffModelAdmin):
    # Short headers and no ids: the stock columns fit beside the filters at 1280 px.
    list_display = ["name", "sku", "qty", "reserved_units", "available", "threshold", "low", "is_active"]
    list_display_links = ["name", "sku"]  # the name is blank until the catalog announces one
    list_filter = ["is_active", LowStockFilter, ProductFilter]
    search_fields = ["product_name", "sku", "product_id"]
    search_help_text = "Product name, SKU or product id."
    ordering = ["product_name", "sku"]
    fieldsets = [
        (None, {"fields": ["product", "sku", "product_id", "is_active"]}),
        (
            "Stock",
            {
                "fields": [
                    ("quantity", "reserved", "available_units"),
                    ("reorder_threshold", "low_stock"),
                    "low_stock_alerted",
                    "updated_at",
                ]
            },
        ),
    ]
    readonly_fields = ["product", "available_units", "low_stock"]
    inlines = [MovementInline]
    change_form_template = "admin/stock/item/change_form.html"
    adjust_template = "admin/stock/item/adjust.html"

    # The list's columns -------------------------------------------------------------------

    @admin.display(description="Product", ordering="product_name")
    def name(self, item):
        return item.product_name

    @admin.display(description="Qty", ordering="quantity")
    def qty(self, item):
        return item.quantity

    @admin.display(description="Resv.", ordering="reserved")
    def reserved_units(self, item):
        return item.reserved

    @admin.display(description="Avail.", ordering=AVAILABLE)
    def available(self, item):
        return item.available

    @admin.display(description="Reorder at", ordering="reorder_threshold")
    def threshold(self, item):
        return item.reorder_threshold

    @admin.display(description="Low", boolean=True, ordering=AVAILABLE - F("reorder_threshold"))
    def low(self, item):
        return item.is_low_stock

    # The item page's fields ----------------------------------------------------------------

    @admin.display(description="Available")
    def available_units(self, item):
        return item.available

    @admin.display(description="Low stock", boolean=True)
    def low_stock(self, item):
        return item.is_low_stock

    @admin.display(description="Product")
    def product(self, item):
        """The catalog's page of the product (product_svc's admin, through the gateway)."""
        url = settings.PRODUCT_ADMIN_URL.replace("{product_id}", url_quote(item.product_id, safe=""))
        return format_html('<a href="{}">{}</a>', url, item.product_name or item.product_id)

    # Permissions: rows come from product events, numbers change through the adjust form -----------

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # Django's form would write the row directly; see has_adjust_permission

    def has_adjust_permission(self, request, obj=None):
        # Adjusting is a change of the item: it takes the change right.
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    # Pages ----------------------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Stock", **(extra_context or {})})

    def get_urls(self):
        adjust = path(
            "<path:object_id>/adjust/",
            self.admin_site.admin_view(self.adjust_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_adjust",
        )
        return [adjust, *super().get_urls()]  # before the catch-all "<path:object_id>/"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self._item_context(request, obj))
            context["title"] = "Stock"
            if self.has_adjust_permission(request, obj):
                context["adjust_form"] = self._admin_form(StockAdjustForm(item=obj))
                # The page's one form is the adjust form: its fields and button, posted to adjust_view.
                form_url = self._url("adjust", obj)  # the list's filters are added by Django
        return super().render_change_form(request, context, add, change, form_url, obj)

    def adjust_view(self, request, object_id):
        """Apply the adjust form through the stock service; a refusal is shown on the form."""
        item = self.get_object(request, unquote(object_id))
        if item is None:
            raise Http404("No such item.")
        if not self.has_adjust_permission(request, item):
            raise PermissionDenied
        form = StockAdjustForm(request.POST if request.method == "POST" else None, item=item)
        if form.is_bound and form.is_valid():
            try:
                item = services.item_adjust(
                    item_id=item.pk,
                    actor=request.user.get_username(),
                    reason=form.cleaned_data["reason"],
                    **form.changes(),
                )
            except QuantityBelowReserved as refused:
                form.add_error("amount", str(refused))
            except StockError as refused:
                form.add_error(None, str(refused))
            else:
                self.log_change(request, item, form.summary())
                self.message_user(
                    request,
                    f"{item}: {form.summary()}. Now {item.quantity} in stock, {item.available} available.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._url("change", item, request))
        context = {
            **self.admin_site.each_context(request),
            **self._item_context(request, item),
            "title": "Adjust stock",
            "subtitle": str(item),
            "opts": self.opts,
            "original": item,
            "numbers": [
                ("In stock", item.quantity),
                ("Reserved", item.reserved),
                ("Available", item.available),
                ("Reorder threshold", item.reorder_threshold),
            ],
            "adjust_form": self._admin_form(form),
            "form_url": self._url("adjust", item, request),
            "change_url": self._url("change", item, request),
            "preserved_filters": self.get_preserved_filters(request),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.adjust_template, context)

    def _item_context(self, request, item):
        return {
            "movements_url": f"{reverse(f'{self.admin_site.name}:stock_movement_changelist')}?item={item.pk}",
            "movement_count": item.movements.count(),
            "history_rows": HISTORY_ROWS,
        }

    def _admin_form(self, form):
        return helpers.AdminForm(
            form, [("Adjust stock", {"fields": list(form.fields)})], {}, model_admin=self
        )

    def _url(self, page, item, request=None):
        """The item's ``change`` or ``adjust`` page; with ``request``, keeping the list's filters (for
        the way back to the list as staff left it)."""
        info = self.admin_site.name, self.opts.app_label, self.opts.model_name, page
        url = reverse("{}:{}_{}_{}".format(*info), args=[quote(item.pk)])
        if request is None:
            return url
        return add_preserved_filters(
            {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}, url
        )

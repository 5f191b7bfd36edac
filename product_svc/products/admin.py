"""The staff console's product pages (``shared.admin.repository``).

Every read goes through the selectors and every write through the services, validated by the API's own
serializers: the pages refuse what the API refuses, with its messages, and each change is announced by
exactly the outbox event the API's would be. The form only parses; the serializers judge.
"""

from django import forms
from django.contrib import admin

from products import selectors, services
from products.api.serializers import ProductSerializer, ProductWriteSerializer
from products.repository import SkuTaken
from shared.admin.repository import Invalid, RepositoryAdmin, RepositoryFilter
from shared.mongo import DocumentLocked

# Staff find products by what they call them and by the code on the shelf.
STAFF_SEARCH_FIELDS = ("name", "sku")
# Past this many categories the filter is a text box: a sidebar of links would be no help.
MAX_CATEGORY_CHOICES = 100
ACTIVE_CHOICES = {"yes": True, "no": False}
LOCKED = "The product is being changed by another request; try again in a moment."
GONE = "The product was deleted meanwhile."


class ProductForm(forms.Form):
    """What staff fill in. Price and stock are text inputs so the API's serializer sees what was typed
    and answers with its messages; only the JSON of the attributes is parsed here."""

    name = forms.CharField()
    sku = forms.CharField(label="SKU", help_text="Letters, digits, “.”, “_” and “-”; at most 64.")
    category = forms.CharField()
    price = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), help_text="e.g. 12.50")
    currency = forms.CharField(required=False, initial="USD", help_text="Three capital letters (ISO 4217).")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    attributes = forms.JSONField(
        required=False, initial=dict, help_text='A JSON object, e.g. {"colour": "red", "capacity ml": 350}.'
    )
    initial_stock = forms.CharField(
        required=False,
        initial="0",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text="Units in stock when the product is created. Set only here: afterwards stock is changed "
        "in the inventory service.",
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "id" in self.initial:  # an existing product (ProductAdmin.initial_data): stock is inventory's
            del self.fields["initial_stock"]


@admin.site.register_repository
class ProductAdmin(RepositoryAdmin):
    app_label, slug = "products", "product"
    verbose_name, verbose_name_plural = "product", "products"
    list_display = [
        ("name", "Name"),
        ("sku", "SKU"),
        ("category", "Category"),
        ("price_with_currency", "Price"),
        ("active", "Active"),
        ("updated_at", "Updated"),
    ]
    search_help_text = "Name or SKU, in any case; the text is matched literally."
    orderings = [
        ("-created_at", "Newest first"),
        ("price", "Price, lowest first"),
        ("-price", "Price, highest first"),
        ("name", "Name"),
    ]
    form_class = ProductForm
    readonly_fields = [("id", "ID"), ("created_at", "Created"), ("updated_at", "Updated")]

    @property
    def list_filters(self):
        # The categories come from one cached read (invalidated by every write, like every list).
        categories = selectors.product_categories()
        choices = [(name, name) for name in categories] if len(categories) <= MAX_CATEGORY_CHOICES else []
        return [
            RepositoryFilter("category", "category", choices),
            RepositoryFilter("active", "active", [("yes", "Yes"), ("no", "No")]),
        ]

    # Reads ---------------------------------------------------------------------------------

    def list_objects(self, request, query):
        return selectors.product_list(
            include_inactive=True,
            category=query.filters.get("category"),
            is_active=ACTIVE_CHOICES.get(query.filters.get("active")),
            search=query.search or None,
            search_fields=STAFF_SEARCH_FIELDS,
            ordering=query.ordering,
            offset=query.offset,
            limit=query.limit,
        )

    def get_object(self, request, object_id):
        return selectors.product_get(product_id=object_id, include_inactive=True)

    def initial_data(self, obj):
        fields = ("id", "name", "sku", "category", "currency", "description", "attributes", "is_active")
        return {**{name: obj.get(name) for name in fields}, "price": str(obj["price"])}

    def price_with_currency(self, row):
        return f"{row['price']} {row['currency']}"

    def active(self, row):
        return "Yes" if row.get("is_active") else "No"

    # Writes --------------------------------------------------------------------------------

    def create_object(self, request, data):
        # A blank optional field is one not given: the API's default applies (USD, no stock, no attributes).
        given = {name: value for name, value in data.items() if value not in ("", None)}
        payload = _validated(ProductSerializer(data=given))
        product = _write(lambda: services.product_create(**payload))
        return product

    def update_object(self, request, obj, data):
        if not data:
            return obj
        if "attributes" in data and data["attributes"] is None:  # the box was emptied: no attributes
            data = {**data, "attributes": {}}
        changes = _validated(ProductWriteSerializer(obj, data=data, partial=True))
        product = _write(lambda: services.product_update(product_id=obj["id"], **changes))
        return product

    def delete_object(self, request, obj):
        _write(lambda: services.product_delete(product_id=obj["id"]))

    def object_actions(self, request, obj):
        return [("deactivate", "Deactivate")] if obj.get("is_active") else []

    def run_action(self, request, obj, name, reason):
        if name != "deactivate":
            return super().run_action(request, obj, name, reason)
        _write(lambda: services.product_update(product_id=obj["id"], is_active=False))
        return f"The product “{self.object_title(obj)}” was deactivated: customers no longer see it."


def _validated(serializer) -> dict:
    if not serializer.is_valid():
        raise Invalid(dict(serializer.errors))
    return serializer.validated_data


def _write(change):
    """Run a service write; what it refuses becomes a message on the page, never a server error."""
    try:
        result = change()
    except SkuTaken:
        raise Invalid({"sku": [SkuTaken.message]}) from None
    except DocumentLocked:
        raise Invalid({"detail": [LOCKED]}) from None
    if not result:  # product_update's None, product_delete's False: someone else deleted it
        raise Invalid({"detail": [GONE]})
    return result

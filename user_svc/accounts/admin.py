"""The staff console's accounts and addresses.

A change made here works on the row as it is under its lock, like the API's (accounts.locks): on a POST,
``get_object`` reads the account (and an address after its owner) with ``select_for_update`` inside the
transaction Django's admin wraps the change or delete in, so the form is checked against the current row
and nothing changes it until the save commits; a row deleted meanwhile is Django's "does not exist"
message, never saved again (which would insert it anew). Addresses are changed only on their own page,
through accounts.services, which keep "exactly one default" (the account page lists them, read-only).
"""

from contextlib import suppress

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from accounts import locks, selectors, services
from accounts.errors import AccountError, AddressNotFound
from accounts.models import Address, User
from shared.admin.inlines import ReadOnlyInlineMixin

ADDRESS_FIELDS = [
    "label",
    "line1",
    "line2",
    "city",
    "region",
    "postal_code",
    "country",
    "phone",
    "is_default",
]


def _changing(request) -> bool:
    """A POST inside the admin's transaction (change, delete, password): read rows under their locks."""
    return request.method == "POST" and transaction.get_connection().in_atomic_block


class AddressInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The account's addresses, to look at; each is changed on its own page (AddressAdmin)."""

    model = Address
    fields = ADDRESS_FIELDS
    readonly_fields = ADDRESS_FIELDS
    show_change_link = True


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    readonly_fields = ["id", "date_joined", "last_login", "updated_at"]
    inlines = [AddressInline]
    fieldsets = (
        (None, {"fields": ("id", "email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined", "updated_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_object(self, request, object_id, from_field=None):
        user = super().get_object(request, object_id, from_field)
        if user is None or not _changing(request):
            return user
        return locks.user_locked(user_id=user.pk)

    def user_change_password(self, request, id, form_url=""):
        # Django's password page saves the whole row outside a transaction: here it is one, so the row
        # is read under its lock (get_object) and a profile change made meanwhile is not overwritten.
        if request.method != "POST":
            return super().user_change_password(request, id, form_url)
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        obj.save(force_update=change)  # a change updates the locked row, never inserts it again

    def delete_queryset(self, request, queryset):
        # The accounts first, in one order, as every change does; then the cascade to their addresses.
        with transaction.atomic():
            locked = User.objects.select_for_update().filter(pk__in=queryset.values("pk")).order_by("pk")
            list(locked.values_list("pk", flat=True))
            super().delete_queryset(request, queryset)


class AddressAdminForm(forms.ModelForm):
    """Refuses what accounts.services would: the default unset, more than MAX_ADDRESSES_PER_USER. A second
    default is not refused: saving it moves the flag, as the API does."""

    class Meta:
        model = Address
        fields = ["user", *ADDRESS_FIELDS]

    def clean(self):
        cleaned = super().clean()
        owner, limit = cleaned.get("user"), services.MAX_ADDRESSES_PER_USER
        if self.instance.pk is not None:  # the row as it is, under its lock (AddressAdmin.get_object)
            if self.instance.is_default and cleaned.get("is_default") is False:
                self.add_error("is_default", services.DEFAULT_STAYS)
        elif owner is not None and selectors.address_list(user=owner).count() >= limit:
            self.add_error(None, f"At most {limit} addresses per account.")
        return cleaned

    def _get_validation_exclusions(self):
        # "At most one default" (the database constraint on user) is kept by the services when saving.
        return super()._get_validation_exclusions() | {"user"}


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    form = AddressAdminForm
    list_display = ["user", "label", "city", "region", "country", "phone", "is_default"]
    list_filter = ["country", "is_default"]
    search_fields = ["user__email", "line1", "city", "postal_code", "phone"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []  # an address stays with its account

    def get_object(self, request, object_id, from_field=None):
        address = super().get_object(request, object_id, from_field)
        if address is None or not _changing(request):
            return address
        return locks.address_locked(user_id=address.user_id, address_id=address.pk)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except AccountError as refused:  # a change the form could not see coming (a new address's owner
            # deleted, or given its 20th address, meanwhile): nothing was saved
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ADDRESS_FIELDS}
        if change:
            changed = {name: value for name, value in fields.items() if name in form.changed_data}
            saved = services.address_update(user_id=obj.user_id, address_id=obj.pk, **changed)
        else:
            saved = services.address_create(user_id=obj.user_id, **fields)
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.address_delete(user_id=obj.user_id, address_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for address_id, user_id in queryset.order_by("user_id", "created_at").values_list("id", "user_id"):
            with suppress(AddressNotFound):  # deleted meanwhile
                services.address_delete(user_id=user_id, address_id=address_id)

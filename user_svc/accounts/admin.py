from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Address, User


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = ["label", "line1", "line2", "city", "region", "postal_code", "country", "phone", "is_default"]


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


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["user", "label", "city", "region", "country", "phone", "is_default"]
    list_filter = ["country", "is_default"]
    search_fields = ["user__email", "line1", "city", "postal_code", "phone"]
    raw_id_fields = ["user"]

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffConsoleConfig(AppConfig):
    """Templates and static files of the staff console (listed before Django's admin, to override it)."""

    default = True
    name = "shared.admin"
    label = "staff_console"
    verbose_name = "Staff console"


class PlatformAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the platform's site as ``admin.site`` (named in INSTALLED_APPS explicitly)."""

    default = False
    default_site = "shared.admin.site.PlatformAdminSite"

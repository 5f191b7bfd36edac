from django.apps import AppConfig

from shared.admin import apps as console_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Accounts"


class AccountsAdminConfig(console_apps.PlatformAdminConfig):
    """Django's admin with user_svc's site, the one that logs staff in (named in INSTALLED_APPS)."""

    default = False
    default_site = "accounts.admin_site.AccountsAdminSite"

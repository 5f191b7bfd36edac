"""The admin site of every service: titled with its service, linked to the other four, logged in to
through user_svc (one staff identity, ``shared.auth.staff``)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import re_path

# The staff console, in the order staff meet it; each is served by the gateway under /<name>/.
CONSOLE_SERVICES = [
    ("product", "Products"),
    ("order", "Orders"),
    ("inventory", "Inventory"),
    ("user", "Users"),
    ("notification", "Notifications"),
]


class PlatformAdminSite(admin.AdminSite):
    """Django's admin site, plus the pages of ``RepositoryAdmin`` classes registered with
    ``register_repository`` (documents kept in MongoDB rather than the ORM)."""

    site_url = "/"  # the gateway's index of every service's admin, docs and health
    # Does this service keep Django user rows? Only user_svc does; elsewhere the admin's log of recent
    # actions (a foreign key to a local user) is replaced by the audit log lines of StaffModelAdmin.
    keeps_accounts = False

    def __init__(self, name="admin"):
        super().__init__(name)
        self._repositories = []

    @property
    def site_header(self):
        return f"{_service_label()} · shop staff"

    @property
    def site_title(self):
        return f"{_service_label()} admin"

    @property
    def index_title(self):
        return f"{_service_label()} administration"

    def register(self, model_or_iterable, admin_class=None, **options):
        # django.contrib.auth registers its User and Group on every site; where accounts are kept in
        # user_svc alone they would be empty pages inviting per-service superusers.
        models = model_or_iterable if isinstance(model_or_iterable, list | tuple) else [model_or_iterable]
        if not self.keeps_accounts and all(model._meta.app_label == "auth" for model in models):
            return
        super().register(model_or_iterable, admin_class, **options)

    def each_context(self, request):
        return {
            **super().each_context(request),
            "site_url": self.site_url,  # always the gateway's index, even under /<service>/
            "console_services": CONSOLE_SERVICES,
            "current_service": settings.SERVICE_NAME,
            "staff_logout_url": settings.STAFF_LOGOUT_URL,
            "staff_refresh_url": settings.STAFF_REFRESH_URL,
            # The page renews the access cookie a minute before it runs out (static/shared_admin/session.js).
            "staff_refresh_every": max(
                30, int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()) - 60
            ),
            "show_recent_actions": self.keeps_accounts,
        }

    def login(self, request, extra_context=None):
        """Staff log in at user_svc, which sends them back here."""
        query = urlencode({"next": request.GET.get("next") or request.get_full_path()})
        return HttpResponseRedirect(f"{settings.STAFF_LOGIN_URL}?{query}")

    def logout(self, request, extra_context=None):
        """Logging out is user_svc's (it revokes the refresh token); 307 keeps the POST and its CSRF token."""
        return HttpResponseRedirect(settings.STAFF_LOGOUT_URL, status=307)

    def get_log_entries(self, request):
        if self.keeps_accounts:
            return super().get_log_entries(request)
        from django.contrib.admin.models import LogEntry

        return LogEntry.objects.none()

    # Pages over repositories -------------------------------------------------------------------

    def register_repository(self, repository_admin_class):
        self._repositories.append(repository_admin_class(self))
        return repository_admin_class

    def get_urls(self):
        urls = [url for repo in self._repositories for url in repo.get_urls()]
        labels = sorted({repo.app_label for repo in self._repositories})
        if labels:  # Django's own app_list route knows only the apps of ORM models
            pattern = rf"^(?P<app_label>{'|'.join(labels)})/$"
            urls.append(re_path(pattern, self.admin_view(self.app_index), name="app_list"))
        return [*urls, *super().get_urls()]

    def _build_app_dict(self, request, label=None):
        app_dict = super()._build_app_dict(request, label)
        for repo in self._repositories:
            if label and repo.app_label != label:
                continue
            entry = repo.app_list_entry(request)
            if entry is None:
                continue
            app = app_dict.setdefault(repo.app_label, repo.app_section(request))
            app["models"].append(entry)
        return app_dict


def _service_label():
    return dict(CONSOLE_SERVICES).get(settings.SERVICE_NAME, settings.SERVICE_NAME.title())


def _access_lifetime():
    return settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]

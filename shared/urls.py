"""Routes every service has: health, OpenAPI schema, Swagger UI and ReDoc, admin, browsable-API login."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView


def staff_login(request):
    """The browsable API's "Log in": the one staff login, at user_svc, which sends staff back here."""
    query = urlencode({"next": request.GET.get("next") or request.META.get("SCRIPT_NAME", "") + "/"})
    return HttpResponseRedirect(f"{settings.STAFF_LOGIN_URL}?{query}")


def staff_logout(request):
    """The browsable API's "Log out" (a POST with a CSRF token): 307 hands the same POST to user_svc."""
    return HttpResponseRedirect(settings.STAFF_LOGOUT_URL, status=307)


# Under DRF's namespace and names, so its templates find them (rest_framework:login / :logout).
browsable_api_login_urls = (
    [path("login/", staff_login, name="login"), path("logout/", staff_logout, name="logout")],
    "rest_framework",
)


def platform_urlpatterns():
    return [
        path("health/", include("shared.health.urls")),
        path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
        # Swagger UI's init script from its own URL (?script): the page runs no inline script, which
        # the Content-Security-Policy (shared/settings/base.py) forbids.
        path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
        path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
        path("api-auth/", include(browsable_api_login_urls)),
        path("admin/", admin.site.urls),
    ]


# Point a service's handler404/handler500 at these so unknown URLs answer JSON, like the API.
handler400 = "shared.errors.bad_request"
handler403 = "shared.errors.permission_denied"
handler404 = "shared.errors.not_found"
handler500 = "shared.errors.server_error"

"""Routes every service has: health, OpenAPI schema and Swagger UI, admin, browsable-API login."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


def platform_urlpatterns():
    return [
        path("health/", include("shared.health.urls")),
        path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
        path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
        path("api-auth/", include("rest_framework.urls")),
        path("admin/", admin.site.urls),
    ]


# Point a service's handler404/handler500 at these so unknown URLs answer JSON, like the API.
handler400 = "shared.errors.bad_request"
handler403 = "shared.errors.permission_denied"
handler404 = "shared.errors.not_found"
handler500 = "shared.errors.server_error"

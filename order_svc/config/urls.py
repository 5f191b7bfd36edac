"""URL routes of order_svc: the platform's common routes, then this service's API."""

from django.urls import include, path

from shared.urls import handler400, handler403, handler404, handler500, platform_urlpatterns

urlpatterns = [*platform_urlpatterns(), path("api/v1/orders/", include("orders.api.urls"))]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

"""URL routes of user_svc: the platform's common routes, then this service's API."""

from django.urls import include, path

from accounts.api.urls import auth_urlpatterns, users_urlpatterns
from shared.urls import handler400, handler403, handler404, handler500, platform_urlpatterns

urlpatterns = [
    *platform_urlpatterns(),
    path("api/v1/auth/", include(auth_urlpatterns)),
    path("api/v1/users/", include(users_urlpatterns)),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

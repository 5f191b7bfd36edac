"""Routes under /api/v1/auth/ and /api/v1/users/. A trailing slash is optional everywhere."""

from django.urls import re_path

from accounts.api import views

addresses = views.AddressViewSet.as_view({"get": "list", "post": "create"})
address = views.AddressViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

auth_urlpatterns = [
    re_path(r"^register/?$", views.RegisterView.as_view(), name="auth-register"),
    re_path(r"^login/?$", views.LoginView.as_view(), name="auth-login"),
    re_path(r"^refresh/?$", views.RefreshView.as_view(), name="auth-refresh"),
    re_path(r"^logout/?$", views.LogoutView.as_view(), name="auth-logout"),
]

_UUID = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"

users_urlpatterns = [
    re_path(r"^me/?$", views.MeView.as_view(), name="users-me"),
    re_path(r"^me/password/?$", views.PasswordChangeView.as_view(), name="users-me-password"),
    re_path(r"^me/addresses/?$", addresses, name="users-me-addresses"),
    re_path(rf"^me/addresses/(?P<pk>{_UUID})/?$", address, name="users-me-address"),
    re_path(rf"^(?P<user_id>{_UUID})/verify/?$", views.VerifyView.as_view(), name="users-verify"),
]

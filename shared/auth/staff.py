"""One staff identity for every admin and browsable API: the access token in a cookie.

Staff log in once, at user_svc's admin login (the one place that checks a password). user_svc answers
with two HttpOnly cookies: ``staff_access``, the same RS256 access token the API uses, sent to every
path of the gateway's host; and ``staff_refresh``, sent only to user_svc's admin, which swaps it for a
new pair when the access token runs out. Every service verifies the access cookie with the public key
it already has and, through ``StaffCookieMiddleware`` and an authentication backend, turns it into
``request.user`` — so Django's admin and DRF's ``SessionAuthentication`` (with its CSRF check) work
unchanged. A cookie whose token is not a staff person's yields an anonymous user: customers and
services never get a session this way.

The README ("Staff console") has the design and its threat model.
"""

from functools import partial

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from shared.auth.principals import PlatformUser

ACCESS_COOKIE = "staff_access"
REFRESH_COOKIE = "staff_refresh"


class StaffUser(PlatformUser):
    """A staff person, from a verified access token: what Django's admin needs of ``request.user``.

    Services other than user_svc keep no accounts, so there are no per-user Django permissions to
    consult: every staff member may use every page the admin offers (the pages themselves decide what
    can be changed). user_svc's admin works on its real ``User`` rows instead, with Django's permissions.
    """

    is_active = True  # tokens are issued to active accounts only; deactivation ends at the next refresh

    @property
    def is_superuser(self):
        return self.is_staff

    def __str__(self):
        return self.email

    def get_username(self):
        return self.email

    def get_short_name(self):
        return self.email

    def get_full_name(self):
        return self.email

    def has_perm(self, perm, obj=None):
        return self.is_staff

    def has_perms(self, perm_list, obj=None):
        return self.is_staff

    def has_module_perms(self, app_label):
        return self.is_staff


def staff_token(raw: str | None) -> AccessToken | None:
    """The access token in ``raw`` if it is valid (signature, expiry, issuer, type) and a staff person's."""
    if not raw:
        return None
    try:
        token = AccessToken(raw)
    except TokenError:
        return None
    if not token.get("is_staff") or "user_id" not in token:
        return None
    return token


class StaffTokenBackend:
    """Authentication backend: a verified staff access token → a ``StaffUser`` (no database read)."""

    def authenticate(self, request, staff_token=None):
        if staff_token is None:
            return None
        return StaffUser(staff_token)

    def get_user(self, user_id):
        return None  # nothing is kept in sessions: the cookie is read on every request


def _staff_user(request):
    token = staff_token(request.COOKIES.get(ACCESS_COOKIE))
    user = auth.authenticate(request, staff_token=token) if token is not None else None
    return user or AnonymousUser()


class StaffCookieMiddleware(AuthenticationMiddleware):
    """Set ``request.user`` from the staff cookie (lazily: API requests with a bearer token never read it).

    Replaces Django's session-based ``AuthenticationMiddleware`` (a subclass, so the admin's checks pass).
    """

    def process_request(self, request):
        request.user = SimpleLazyObject(lambda: _staff_user(request))
        request.auser = partial(sync_to_async(_staff_user), request)


def set_staff_cookies(response, request, *, access: str, refresh: str, refresh_path: str) -> None:
    """Put a fresh token pair in the browser: HttpOnly, SameSite=Lax, Secure when served over TLS."""
    jwt = settings.SIMPLE_JWT
    common = {"httponly": True, "samesite": "Lax", "secure": request.is_secure()}
    response.set_cookie(
        ACCESS_COOKIE, access, max_age=int(jwt["ACCESS_TOKEN_LIFETIME"].total_seconds()), path="/", **common
    )
    response.set_cookie(
        REFRESH_COOKIE,
        refresh,
        max_age=int(jwt["REFRESH_TOKEN_LIFETIME"].total_seconds()),
        path=refresh_path,
        **common,
    )


def delete_staff_cookies(response, *, refresh_path: str) -> None:
    response.delete_cookie(ACCESS_COOKIE, path="/", samesite="Lax")
    response.delete_cookie(REFRESH_COOKIE, path=refresh_path, samesite="Lax")

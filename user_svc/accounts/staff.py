"""The one staff login of the platform: user_svc's admin login, logout and token refresh.

Login checks the password (staff and active accounts only, as Django's admin does) and answers with the
staff cookies (``shared.auth.staff``) instead of a session, then sends staff back to the page of any
service that asked (``?next=``). When the access token has run out, the login page first tries the
refresh cookie, so staff moving between admins are logged in again without typing anything. Logout
revokes the refresh token and clears both cookies: every admin is logged out at once.

The password check shares the API login's throttle (``accounts.login_throttle``): a throttled attempt
shows the login page again with the reason, as a 429 with ``Retry-After``.
"""

from contextlib import suppress

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.csrf import rotate_token
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import tokens
from accounts.errors import InvalidRefreshToken
from accounts.login_throttle import LoginThrottled, login_attempt
from shared.auth.staff import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    delete_staff_cookies,
    set_staff_cookies,
    staff_token,
)


def refresh_cookie_path() -> str:
    """The refresh cookie goes only to this admin (``/user/admin/`` through the gateway)."""
    return reverse("admin:index")


def _with_cookies(response, request, pair):
    set_staff_cookies(response, request, **pair, refresh_path=refresh_cookie_path())
    return response


def _rotate_from_cookie(request) -> dict | None:
    """A new token pair for the refresh cookie's owner if still an active staff account, else None."""
    raw = request.COOKIES.get(REFRESH_COOKIE)
    if not raw:
        return None
    try:
        pair = tokens.tokens_rotate(refresh=raw)
    except InvalidRefreshToken:
        return None
    if staff_token(pair["access"]) is None:  # no longer staff: this pair is of no use to the console
        tokens.tokens_revoke(refresh=pair["refresh"])
        return None
    return pair


class StaffLoginForm(AdminAuthenticationForm):
    """Django's admin login form, counting each password check in the login throttle first."""

    retry_after: int | None = None

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:  # what AuthenticationForm.clean checks a password for
            try:
                login_attempt(self.request, email=username)
            except LoginThrottled as exc:
                self.retry_after = exc.wait
                raise ValidationError(str(exc), code="throttled") from None
        return super().clean()


class StaffLoginView(LoginView):
    authentication_form = StaffLoginForm
    template_name = "admin/login.html"

    def get(self, request, *args, **kwargs):
        # Only when the access cookie is missing or expired: a valid one that brought staff here anyway
        # (a page that refused it) must show the form, not loop through another refresh.
        if staff_token(request.COOKIES.get(ACCESS_COOKIE)) is None:
            pair = _rotate_from_cookie(request)
            if pair is not None:
                return _with_cookies(HttpResponseRedirect(self.get_success_url()), request, pair)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        pair = tokens.tokens_issue(user=user)
        rotate_token(self.request)  # a new CSRF secret with the new identity, as django.contrib.auth.login
        user_logged_in.send(sender=type(user), request=self.request, user=user)  # last_login
        return _with_cookies(HttpResponseRedirect(self.get_success_url()), self.request, pair)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.retry_after is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response

    def get_default_redirect_url(self):
        return reverse("admin:index")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **admin.site.each_context(self.request),
            "title": "Log in",
            "subtitle": None,
            "app_path": self.request.get_full_path(),
            "site_header": "Shop staff",
        }


def staff_logout(request):
    """GET asks; POST revokes the refresh token, clears both cookies and shows the logged-out page."""
    if request.method != "POST":
        context = {**admin.site.each_context(request), "title": "Log out?", "subtitle": None}
        return TemplateResponse(request, "admin/staff_logout.html", context)
    raw = request.COOKIES.get(REFRESH_COOKIE)
    if raw:
        with suppress(InvalidRefreshToken):  # expired or already used: nothing left to revoke
            tokens.tokens_revoke(refresh=raw)
    request.user = AnonymousUser()
    context = {**admin.site.each_context(request), "title": "Logged out", "subtitle": None}
    response = TemplateResponse(request, "registration/logged_out.html", context)
    delete_staff_cookies(response, refresh_path=refresh_cookie_path())
    return response


@require_POST
def staff_refresh(request):
    """The admin pages' keep-alive (shared_admin/session.js): 204 with new cookies, or 401."""
    pair = _rotate_from_cookie(request)
    if pair is None:
        return JsonResponse({"detail": "Log in again: the staff session has ended."}, status=401)
    return _with_cookies(JsonResponse({}, status=204), request, pair)

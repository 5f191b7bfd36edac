"""The staff console's URLs for pages outside the admin (the browsable API), whose context lacks them."""

from django import template
from django.conf import settings
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag
def staff_logout_url() -> str:
    """Where staff log out of every admin and the browsable API at once (user_svc).

    Not DRF's ``rest_framework:logout``: on an API page (``/api/v1/...``) it resolves without the
    service's prefix, to a path the gateway does not route.
    """
    return settings.STAFF_LOGOUT_URL


@register.simple_tag
def staff_login_url(request) -> str:
    """The one staff login (user_svc), coming back to this page afterwards.

    Not DRF's ``rest_framework:login`` for the same reason as the logout above.
    """
    return f"{settings.STAFF_LOGIN_URL}?{urlencode({'next': request.get_full_path()})}"

"""Issuing, rotating and revoking the JWTs of people (and minting service tokens).

simplejwt's refresh tokens are recorded as outstanding; rotation and logout blacklist them, so a used
refresh token is refused afterwards. The claims every service reads (``user_id``, ``email``,
``is_staff``) are stamped from the database on every issue and rotation, never copied from an old token.
"""

from django.db import transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.errors import InvalidRefreshToken
from accounts.models import User
from shared.auth.tokens import ServiceToken


def tokens_issue(*, user: User) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)  # recorded as outstanding
    refresh["email"] = user.email
    refresh["is_staff"] = user.is_staff
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


@transaction.atomic
def tokens_rotate(*, refresh: str) -> dict[str, str]:
    """Exchange a refresh token for a new pair; the old one is refused from now on."""
    token = _valid_refresh(refresh)
    # The row lock makes two concurrent uses of one refresh token a sequence: only the first wins.
    outstanding = OutstandingToken.objects.select_for_update(of=("self",)).filter(jti=token["jti"]).first()
    if outstanding is None:
        raise InvalidRefreshToken()
    _, created = BlacklistedToken.objects.get_or_create(token=outstanding)
    if not created:
        raise InvalidRefreshToken()
    user = User.objects.filter(id=token["user_id"], is_active=True).first()
    if user is None:
        raise InvalidRefreshToken()
    return tokens_issue(user=user)


def tokens_revoke(*, refresh: str) -> None:
    """Log out: refuse this refresh token from now on."""
    token = _valid_refresh(refresh)
    token.blacklist()


def tokens_revoke_all(*, user: User) -> int:
    """Refuse every refresh token the user holds (after a password change); return how many."""
    live = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    revoked = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in live], ignore_conflicts=True
    )
    return len(revoked)


def service_token_issue(*, service: str, lifetime=None) -> str:
    return str(ServiceToken.for_service(service, lifetime=lifetime))


def _valid_refresh(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)  # checks signature, expiry, type and the blacklist
    except TokenError:
        raise InvalidRefreshToken() from None

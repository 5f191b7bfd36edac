"""Every change to accounts and addresses. Each function is one transaction."""

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import locks
from accounts.errors import (
    AccountNotFound,
    AddressNotFound,
    AddressRuleBroken,
    EmailAlreadyRegistered,
    InvalidCredentials,
    WrongPassword,
)
from accounts.models import Address, User, normalize_email
from accounts.tokens import tokens_issue, tokens_revoke_all

MAX_ADDRESSES_PER_USER = 20
DEFAULT_STAYS = "One address must stay the default: make another address the default instead."


def user_register(
    *, email: str, password: str, first_name: str = "", last_name: str = "", phone: str = ""
) -> User:
    """Create an account. Raises django ValidationError for a weak password (one message per failed
    rule) and EmailAlreadyRegistered for a taken address, whatever its letter case. ``phone`` is E.164
    (the API normalises it with shared.postal)."""
    user = User(email=normalize_email(email), first_name=first_name, last_name=last_name, phone=phone)
    validate_password(password, user=user)
    if User.objects.filter(email=user.email).exists():
        raise EmailAlreadyRegistered()
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:  # registered concurrently, between the check and the insert
        raise EmailAlreadyRegistered() from None
    return user


def user_login(*, email: str, password: str) -> dict[str, str]:
    user = authenticate(email=normalize_email(email), password=password)
    if user is None:  # wrong password, unknown or inactive account: one answer for all three
        raise InvalidCredentials()
    return tokens_issue(user=user)


@transaction.atomic
def user_update_profile(
    *, user: User, first_name: str | None = None, last_name: str | None = None, phone: str | None = None
) -> User:
    """Change the given fields (None: unchanged) of the account as it is now, and only those: the row is
    read again under its lock, so a concurrent update of another field is kept, not overwritten with
    what this request read before. Raise AccountNotFound when the account is gone or deactivated."""
    current = locks.user_locked(user_id=user.pk, active_only=True)
    if current is None:
        raise AccountNotFound()
    changes = {"first_name": first_name, "last_name": last_name, "phone": phone}
    changes = {name: value for name, value in changes.items() if value is not None}
    for name, value in changes.items():
        setattr(current, name, value)
    current.save(update_fields=[*changes, "updated_at"])
    return current


@transaction.atomic
def user_change_password(*, user: User, old_password: str, new_password: str) -> None:
    """Set a new password and revoke every refresh token of the user (all sessions end). The old password
    is checked against the stored one under the account's lock: of two changes from the same old
    password, the second finds it changed (WrongPassword). Raise AccountNotFound when the account is
    gone or deactivated."""
    current = locks.user_locked(user_id=user.pk, active_only=True)
    if current is None:
        raise AccountNotFound()
    if not current.check_password(old_password):
        raise WrongPassword()
    validate_password(new_password, user=current)
    current.set_password(new_password)
    current.save(update_fields=["password", "updated_at"])
    tokens_revoke_all(user=current)


# Addresses: every change takes the owner's lock first (accounts.locks), so the changes of one user's
# addresses run one at a time and "exactly one default" holds under any interleaving; an update or
# delete reads its address again under that lock.


@transaction.atomic
def address_create(*, user_id, **fields) -> Address:
    """Add an address to the account ``user_id``; the first one is the default, and a new default
    replaces the old one. Raise AddressRuleBroken past MAX_ADDRESSES_PER_USER, AccountNotFound when the
    account is gone."""
    owner = locks.user_locked(user_id=user_id)
    if owner is None:
        raise AccountNotFound()
    existing = Address.objects.filter(user=owner)
    if existing.count() >= MAX_ADDRESSES_PER_USER:
        raise AddressRuleBroken(f"At most {MAX_ADDRESSES_PER_USER} addresses per account.")
    is_default = bool(fields.pop("is_default", False)) or not existing.exists()
    if is_default:
        existing.filter(is_default=True).update(is_default=False)
    address = Address(user=owner, is_default=is_default, **fields)
    address.full_clean()
    address.save(force_insert=True)
    return address


@transaction.atomic
def address_update(*, user_id, address_id, **fields) -> Address:
    """Change the user's address ``address_id`` as it is now. ``is_default=True`` makes it the default
    (the old default loses the flag); ``is_default=False`` on the default is refused (AddressRuleBroken).
    Raise AddressNotFound when it is not (or no longer) the user's: an update never brings back an
    address deleted meanwhile."""
    address = locks.address_locked(user_id=user_id, address_id=address_id)
    if address is None:
        raise AddressNotFound()
    make_default = fields.pop("is_default", None)
    if make_default is False and address.is_default:
        raise AddressRuleBroken(DEFAULT_STAYS)
    if make_default and not address.is_default:
        Address.objects.filter(user_id=address.user_id, is_default=True).update(is_default=False)
        address.is_default = True
    for name, value in fields.items():
        setattr(address, name, value)
    address.full_clean()
    address.save(force_update=True)  # the row is locked, so it exists: never an insert
    return address


@transaction.atomic
def address_delete(*, user_id, address_id) -> None:
    """Delete the user's address ``address_id``; when it is the default (as it is now, under the lock),
    the oldest remaining address becomes the default. Raise AddressNotFound when it is not (or no longer)
    the user's."""
    address = locks.address_locked(user_id=user_id, address_id=address_id)
    if address is None:
        raise AddressNotFound()
    address.delete()
    if address.is_default:
        successor = Address.objects.filter(user_id=address.user_id).order_by("created_at").first()
        if successor is not None:
            Address.objects.filter(pk=successor.pk).update(is_default=True, updated_at=timezone.now())

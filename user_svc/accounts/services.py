"""Every change to accounts and addresses. Each function is one transaction."""

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction

from accounts.errors import AddressRuleBroken, EmailAlreadyRegistered, InvalidCredentials, WrongPassword
from accounts.models import Address, User, normalize_email
from accounts.tokens import tokens_issue, tokens_revoke_all

MAX_ADDRESSES_PER_USER = 20


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


def user_update_profile(
    *, user: User, first_name: str | None = None, last_name: str | None = None, phone: str | None = None
) -> User:
    if first_name is not None:
        user.first_name = first_name
    if last_name is not None:
        user.last_name = last_name
    if phone is not None:
        user.phone = phone
    user.save(update_fields=["first_name", "last_name", "phone", "updated_at"])
    return user


@transaction.atomic
def user_change_password(*, user: User, old_password: str, new_password: str) -> None:
    """Set a new password and revoke every refresh token of the user (all sessions end)."""
    if not user.check_password(old_password):
        raise WrongPassword()
    validate_password(new_password, user=user)
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    tokens_revoke_all(user=user)


@transaction.atomic
def address_create(*, user: User, **fields) -> Address:
    _lock_owner(user)
    existing = Address.objects.filter(user=user)
    if existing.count() >= MAX_ADDRESSES_PER_USER:
        raise AddressRuleBroken(f"At most {MAX_ADDRESSES_PER_USER} addresses per account.")
    # The first address is the default; a new default replaces the old one.
    is_default = bool(fields.pop("is_default", False)) or not existing.exists()
    if is_default:
        existing.filter(is_default=True).update(is_default=False)
    address = Address(user=user, is_default=is_default, **fields)
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def address_update(*, address: Address, **fields) -> Address:
    _lock_owner(address.user)
    make_default = fields.pop("is_default", None)
    if make_default is False and address.is_default:
        raise AddressRuleBroken(
            "One address must stay the default: make another address the default instead."
        )
    if make_default and not address.is_default:
        Address.objects.filter(user=address.user, is_default=True).update(is_default=False)
        address.is_default = True
    for name, value in fields.items():
        setattr(address, name, value)
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def address_delete(*, address: Address) -> None:
    """Delete; when it was the default, the oldest remaining address becomes the default."""
    _lock_owner(address.user)
    was_default = address.is_default
    user = address.user
    address.delete()
    if was_default:
        successor = Address.objects.filter(user=user).order_by("created_at").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default", "updated_at"])


def _lock_owner(user: User) -> None:
    # Address changes of one user run one at a time, so "exactly one default" holds under concurrency.
    User.objects.select_for_update().filter(pk=user.pk).first()

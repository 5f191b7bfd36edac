"""Every read of accounts and addresses."""

from django.db.models import QuerySet

from accounts.models import Address, User


def user_get_active(*, user_id) -> User | None:
    return User.objects.filter(id=user_id, is_active=True).first()


def user_verification(*, user_id) -> dict:
    """What another service may know of a user id: whether it exists and is active."""
    user = User.objects.filter(id=user_id).only("id", "is_active").first()
    return {"id": str(user_id), "exists": user is not None, "is_active": bool(user and user.is_active)}


def address_list(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user).order_by("created_at")


def address_get(*, user: User, address_id) -> Address | None:
    """The user's own address, or None (another user's address is as good as missing)."""
    return Address.objects.filter(user=user, id=address_id).select_related("user").first()

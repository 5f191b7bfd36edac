"""The row locks of account changes (``select_for_update``), taken in one order by every change: the
account's row first, then its address's.

Each function returns the row as it is under its lock, or None when it is gone, so a change checks and
writes the current row, never one read before the lock: a concurrent change waits for the lock and then
sees this one's outcome. (Saving a row read earlier and deleted meanwhile would insert it again; checking
a flag read earlier would act on a state that no longer holds.) Call them inside a transaction; the
locks last until it ends.
"""

from accounts.models import Address, User


def user_locked(*, user_id, active_only: bool = False) -> User | None:
    """The account under its row lock: the lock every change of the account or its addresses takes
    first, so those changes run one at a time per account."""
    users = User.objects.select_for_update()
    if active_only:
        users = users.filter(is_active=True)
    return users.filter(pk=user_id).first()


def address_locked(*, user_id, address_id) -> Address | None:
    """The user's address under the owner's lock, then its own; None when the account or the address is
    gone (another user's address counts as gone)."""
    owner = user_locked(user_id=user_id)
    if owner is None:
        return None
    address = Address.objects.select_for_update().filter(user_id=owner.pk, id=address_id).first()
    if address is not None:
        address.user = owner
    return address


def address_owner_id(*, address_id):
    """Whose address this is, read without a lock: which account to lock before the address (an address
    never changes owner, so the answer stays true)."""
    return Address.objects.filter(id=address_id).values_list("user_id", flat=True).first()

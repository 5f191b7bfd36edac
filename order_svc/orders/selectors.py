"""Every read of orders."""

from orders import repository


def order_get(*, order_id: str) -> dict | None:
    return repository.get(order_id)


def order_get_visible(*, order_id: str, user) -> dict | None:
    """The order if ``user`` may see it (its owner, or staff); None otherwise, so others get a 404."""
    order = repository.get(order_id)
    if order is None or not (user.is_staff or order["user_id"] == str(user.id)):
        return None
    return order


def order_list(*, user_id=None, status=None, offset=0, limit=20) -> tuple[int, list[dict]]:
    return repository.find(user_id=user_id, status=status, offset=offset, limit=limit)

"""Every read of orders."""

from datetime import UTC, date, datetime, time, timedelta

from orders import repository
from orders.repository import NEWEST_FIRST, OLDEST_FIRST

__all__ = ["NEWEST_FIRST", "OLDEST_FIRST", "order_get", "order_get_visible", "order_list"]


def order_get(*, order_id: str) -> dict | None:
    return repository.get(order_id)


def order_get_visible(*, order_id: str, user) -> dict | None:
    """The order if ``user`` may see it (its owner, or staff); None otherwise, so others get a 404."""
    order = repository.get(order_id)
    if order is None or not (user.is_staff or order["user_id"] == str(user.id)):
        return None
    return order


def order_list(
    *,
    user_id=None,
    status=None,
    search=None,
    created_from: date | None = None,
    created_to: date | None = None,
    ordering=NEWEST_FIRST,
    offset=0,
    limit=20,
) -> tuple[int, list[dict]]:
    """A page of orders and the number that match. The API filters by user and status only; the staff
    console also searches (the start of an order id, or part of the customer's email) and takes a range
    of creation days in UTC, both ends included."""
    return repository.find(
        user_id=user_id,
        status=status,
        search=search,
        created_from=_day_start(created_from),
        created_before=_day_start(created_to + timedelta(days=1)) if created_to else None,
        ordering=ordering,
        offset=offset,
        limit=limit,
    )


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None

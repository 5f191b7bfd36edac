"""Every change of stock. Each public function is one transaction that also writes, to the outbox,
everything the change announces; nothing is announced for a change that rolls back."""

import logging
import math

from django.db import IntegrityError, transaction
from django.utils import timezone

from shared.events.order_lines import merge_lines
from stock import messages
from stock.errors import ItemExists, QuantityBelowReserved, TooEarly
from stock.models import Item, Movement, OrderReservation, ProcessedEvent, Reservation

logger = logging.getLogger("stock.services")

# An order whose goods left (and maybe came back): nothing of it is reserved any more.
SHIPPED_STATUSES = (OrderReservation.Status.COMMITTED, OrderReservation.Status.RETURNED)


def reorder_threshold_for(initial_stock: int) -> int:
    """max(5, ceil(10 % of the initial stock))."""
    return max(5, math.ceil(initial_stock / 10))


def first_delivery(event_id, event_type) -> bool:
    """Record ``event_id``; False if it was handled before. Call inside the handling transaction."""
    try:
        with transaction.atomic():
            ProcessedEvent.objects.create(event_id=event_id, event_type=event_type)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def item_create(*, product_id, sku, quantity, reorder_threshold=None, product_name="", actor="") -> Item:
    if reorder_threshold is None:
        reorder_threshold = reorder_threshold_for(quantity)
    try:
        with transaction.atomic():
            item = Item.objects.create(
                product_id=product_id,
                product_name=product_name,
                sku=sku,
                quantity=quantity,
                reorder_threshold=reorder_threshold,
            )
    except IntegrityError:
        raise ItemExists(f"Product {product_id} already has an inventory item.") from None
    _record(item, Movement.Kind.CREATED, quantity_delta=quantity, actor=actor)
    messages.inventory_created(item)
    _refresh_low_stock(item)
    return item


@transaction.atomic
def item_adjust(*, item_id, quantity=None, quantity_delta=None, reorder_threshold=None, sku=None, actor="",
                reason="") -> Item:  # fmt: skip
    """Set the quantity (``quantity``) or move it by ``quantity_delta`` units (negative: take away),
    and/or set the threshold or sku. A delta applies to the quantity as it is under the row lock, so
    "add 5" from a page read a while ago adds 5 to what is there now, not to what the page showed."""
    if quantity is not None and quantity_delta is not None:
        raise TypeError("item_adjust takes quantity or quantity_delta, not both")
    item = Item.objects.select_for_update().get(id=item_id)
    if quantity_delta is not None:
        quantity = item.quantity + quantity_delta
    delta = 0
    if quantity is not None:
        if quantity < item.reserved:
            raise QuantityBelowReserved(
                f"{item.quantity} in stock and {item.reserved} reserved: "
                f"the quantity cannot go below {item.reserved} (it would be {quantity})."
            )
        delta = quantity - item.quantity
        item.quantity = quantity
    if reorder_threshold is not None:
        item.reorder_threshold = reorder_threshold
    if sku is not None:
        item.sku = sku
    item.save()
    _record(item, Movement.Kind.ADJUSTED, quantity_delta=delta, actor=actor, reason=reason)
    messages.inventory_adjusted(item, reason=reason)
    _refresh_low_stock(item)
    return item


@transaction.atomic
def item_rename(*, product_id, sku=None, product_name=None) -> Item | None:
    """Follow the catalog's sku and/or name (None: unchanged); one movement records what changed.
    Nothing happens when the values are already these (a replayed event)."""
    item = Item.objects.select_for_update().filter(product_id=product_id).first()
    if item is None:
        return None
    changes = {
        field: value
        for field, value in [("sku", sku), ("product_name", product_name)]
        if value is not None and getattr(item, field) != value
    }
    if not changes:
        return item
    for field, value in changes.items():
        setattr(item, field, value)
    item.save(update_fields=[*changes, "updated_at"])
    labels = {"sku": "sku", "product_name": "name"}
    reason = "; ".join(f"{labels[field]} is now {value}" for field, value in changes.items())
    _record(item, Movement.Kind.RENAMED, reason=reason[:500])
    return item


@transaction.atomic
def item_deactivate(*, product_id) -> Item | None:
    item = Item.objects.select_for_update().filter(product_id=product_id).first()
    if item is None or not item.is_active:
        return item
    item.is_active = False
    item.save(update_fields=["is_active", "updated_at"])
    _record(item, Movement.Kind.DEACTIVATED, reason="product deleted")
    return item


@transaction.atomic
def stock_reserve(*, order_id, items, actor="", reply=False) -> OrderReservation:
    """Reserve every line of the order or none. The first answer for an order id is final: asking again
    returns it and moves nothing. With ``reply``, the saga's answer task goes to order_svc, also when
    asked again (``_answer_again``): a repeated command is a re-drive or a redelivery, and the first
    answer may never have arrived."""
    try:
        with transaction.atomic():
            order = OrderReservation.objects.create(
                order_id=order_id, status=OrderReservation.Status.RESERVED
            )
    except IntegrityError:  # asked before (or released before it was ever reserved)
        order = _locked_order(order_id)
        if reply:
            _answer_again(order)
        return order

    wanted = dict(sorted(merge_lines(items).items()))
    # Row locks in one fixed order (by product id), so concurrent orders never deadlock.
    locked = {
        item.product_id: item
        for item in Item.objects.select_for_update().filter(product_id__in=wanted).order_by("product_id")
    }
    shortages = []
    for product_id, quantity in wanted.items():
        item = locked.get(product_id)
        available = item.available if item is not None and item.is_active else 0
        if available < quantity:
            shortages.append({"product_id": product_id, "requested": quantity, "available": available})
    if shortages:
        order.status = OrderReservation.Status.FAILED
        order.shortages = shortages
        order.save(update_fields=["status", "shortages", "updated_at"])
        if reply:
            messages.reply_failed(order_id, shortages)
        return order

    for product_id, quantity in wanted.items():
        item = locked[product_id]
        item.reserved += quantity
        item.save(update_fields=["reserved", "updated_at"])
        Reservation.objects.create(order=order, item=item, quantity=quantity)
        _record(item, Movement.Kind.RESERVED, reserved_delta=quantity, order_id=order_id, actor=actor)
        _refresh_low_stock(item)
    messages.inventory_reserved(order_id, [{"product_id": p, "quantity": q} for p, q in wanted.items()])
    if reply:
        messages.reply_reserved(order_id)
    return order


@transaction.atomic
def stock_release(*, order_id, actor="") -> OrderReservation:
    """Give back what the order holds; again and again is fine. Releasing an order never reserved leaves
    a marker, so a reserve request that arrives late (a cancel that raced it) reserves nothing. An order
    already shipped (committed, or returned since) holds nothing any more: its release changes nothing."""
    order, created = OrderReservation.objects.select_for_update().get_or_create(
        order_id=order_id, defaults={"status": OrderReservation.Status.RELEASED}
    )
    if created or order.status == OrderReservation.Status.RELEASED:
        return order
    if order.status in SHIPPED_STATUSES:
        logger.warning("release of order %s ignored: its stock is %s", order_id, order.status)
        return order
    return _move_order(
        order,
        Reservation.Status.ACTIVE,
        Reservation.Status.RELEASED,
        Movement.Kind.RELEASED,
        reserved_sign=-1,
        order_status=OrderReservation.Status.RELEASED,
        announce=messages.inventory_released,
        actor=actor,
    )


@transaction.atomic
def stock_commit(*, order_id, actor="") -> OrderReservation:
    """Ship the order's reservation: each line's units leave both ``quantity`` and ``reserved`` (so
    ``available`` does not change), one ``shipped`` movement per line, ``inventory.committed`` announced.

    Again changes nothing; so does committing an order whose stock was released (cancelled) or never
    reserved (failed), which is logged. Raise ``TooEarly``, changing nothing, while the order has no
    reservation yet: the command overtook its reserve and is to be tried again."""
    order = _locked_order(order_id)
    if order is None:
        raise TooEarly(f"order {order_id}: commit before any reservation")
    if order.status != OrderReservation.Status.RESERVED:
        if order.status not in SHIPPED_STATUSES:
            logger.warning("commit of order %s ignored: its reservation is %s", order_id, order.status)
        return order
    return _move_order(
        order,
        Reservation.Status.ACTIVE,
        Reservation.Status.COMMITTED,
        Movement.Kind.SHIPPED,
        quantity_sign=-1,
        reserved_sign=-1,
        order_status=OrderReservation.Status.COMMITTED,
        announce=messages.inventory_committed,
        actor=actor,
    )


@transaction.atomic
def stock_restock(*, order_id, actor="") -> OrderReservation:
    """Put a shipped order's goods back on the shelf: each committed line's units return to ``quantity``,
    one ``returned`` movement per line, ``inventory.returned`` announced; low stock re-armed when
    ``available`` rises above the threshold.

    Again changes nothing; so does restocking an order that can no longer ship (released or failed),
    which is logged. Raise ``TooEarly``, changing nothing, while the order is not shipped yet (no
    reservation, or still reserved): its commit may be on the way, so the command is to be tried again."""
    order = _locked_order(order_id)
    if order is None or order.status == OrderReservation.Status.RESERVED:
        state = order.status if order is not None else "no reservation"
        raise TooEarly(f"order {order_id}: restock before its commit ({state})")
    if order.status != OrderReservation.Status.COMMITTED:
        if order.status != OrderReservation.Status.RETURNED:
            logger.warning("restock of order %s ignored: its reservation is %s", order_id, order.status)
        return order
    return _move_order(
        order,
        Reservation.Status.COMMITTED,
        Reservation.Status.RETURNED,
        Movement.Kind.RETURNED,
        quantity_sign=1,
        order_status=OrderReservation.Status.RETURNED,
        announce=messages.inventory_returned,
        actor=actor,
    )


def _answer_again(order: OrderReservation) -> None:
    """Send the saga's answer for an order asked about before, through the outbox like the first answer;
    nothing moves. order_svc applies either answer to a pending order only (a duplicate changes nothing),
    so sending it again is always safe, and it is what a re-driven order waits for.

    The answer is the first one while it still holds: "reserved" while the stock is held or shipped,
    "failed" with its shortages when it failed. Stock released since (the order cancelled or failed, or
    released before its reserve arrived) is held no more, so the answer is "failed": "reserved" would
    confirm an order whose stock is gone. Call under the reservation's row lock."""
    if order.status in (OrderReservation.Status.RESERVED, *SHIPPED_STATUSES):
        messages.reply_reserved(order.order_id)
    else:  # failed (with its shortages), or released since
        reason = messages.INSUFFICIENT_STOCK if order.shortages else messages.STOCK_RELEASED
        messages.reply_failed(order.order_id, order.shortages, reason=reason)


def _locked_order(order_id) -> OrderReservation | None:
    """The order's reservation under its row lock, taken before any item's (as every saga step does)."""
    return OrderReservation.objects.select_for_update().filter(order_id=order_id).first()


def _move_order(order, from_status, to_status, kind, *, order_status, announce, quantity_sign=0,
                reserved_sign=0, actor="") -> OrderReservation:  # fmt: skip
    """One step of a reservation's life (release, commit, restock): move its lines (``_move_lines``), set
    the reservation's status, and ``announce(order_id, lines)`` (a stock.messages event) the lines moved,
    if any."""
    moved = _move_lines(
        order,
        from_status,
        to_status,
        kind,
        quantity_sign=quantity_sign,
        reserved_sign=reserved_sign,
        actor=actor,
    )
    order.status = order_status
    order.save(update_fields=["status", "updated_at"])
    if moved:
        announce(order.order_id, moved)
    return order


def _move_lines(order, from_status, to_status, kind, *, quantity_sign=0, reserved_sign=0,
                actor="") -> list[dict]:  # fmt: skip
    """Move the order's lines in ``from_status`` to ``to_status``: each line's units, times the signs,
    applied to its item's quantity and reserved, one ``kind`` movement and the low-stock edge per line.
    Item rows are locked in product-id order, like a reservation's. Return ``[{product_id, quantity}]``."""
    lines = list(order.lines.filter(status=from_status).order_by("item__product_id"))
    items = {
        item.id: item
        for item in Item.objects.select_for_update()
        .filter(id__in=[line.item_id for line in lines])
        .order_by("product_id")
    }
    moved = []
    for line in lines:
        item = items[line.item_id]
        item.quantity += quantity_sign * line.quantity
        item.reserved += reserved_sign * line.quantity
        item.save(update_fields=["quantity", "reserved", "updated_at"])
        line.status = to_status
        if to_status == Reservation.Status.RELEASED:
            line.released_at = timezone.now()
        line.save(update_fields=["status", "released_at"])
        _record(
            item,
            kind,
            quantity_delta=quantity_sign * line.quantity,
            reserved_delta=reserved_sign * line.quantity,
            order_id=order.order_id,
            actor=actor,
        )
        _refresh_low_stock(item)
        moved.append({"product_id": item.product_id, "quantity": line.quantity})
    return moved


def _record(item, kind, *, quantity_delta=0, reserved_delta=0, order_id="", actor="", reason=""):
    Movement.objects.create(
        item=item,
        kind=kind,
        quantity_delta=quantity_delta,
        reserved_delta=reserved_delta,
        quantity_after=item.quantity,
        reserved_after=item.reserved,
        order_id=order_id,
        actor=actor,
        reason=reason,
    )


def _refresh_low_stock(item):
    """Edge trigger: alert once when available falls to or below the threshold; re-arm above it."""
    if item.is_low_stock and not item.low_stock_alerted:
        item.low_stock_alerted = True
        item.save(update_fields=["low_stock_alerted", "updated_at"])
        messages.inventory_low_stock(item)
    elif not item.is_low_stock and item.low_stock_alerted:
        item.low_stock_alerted = False
        item.save(update_fields=["low_stock_alerted", "updated_at"])

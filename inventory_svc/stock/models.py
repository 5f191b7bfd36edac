"""Stock per product, reservations per order, and the audit trail of every movement."""

import uuid

from django.db import models
from django.db.models import F, Q


class Item(models.Model):
    """One product's stock. ``available = quantity - reserved``; the database refuses anything else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product_id = models.CharField(max_length=64, unique=True)
    # The catalog's name, kept current from product events for staff to recognise the item by; blank
    # until the product announces one. A database default too: rows written by other code (or before
    # this column existed) stay valid.
    product_name = models.CharField(max_length=200, blank=True, default="", db_default="")
    sku = models.CharField("SKU", max_length=64)
    quantity = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    reorder_threshold = models.IntegerField(default=5)
    is_active = models.BooleanField("active", default=True)
    # Edge trigger of the low-stock alert: set when an alert went out, cleared when stock rises above.
    low_stock_alerted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(reserved__gte=0), name="item_reserved_not_negative"),
            models.CheckConstraint(
                condition=Q(quantity__gte=F("reserved")), name="item_quantity_covers_reserved"
            ),
            models.CheckConstraint(condition=Q(reorder_threshold__gte=0), name="item_threshold_not_negative"),
        ]

    def __str__(self):
        # What staff recognise (the admin's titles, the movement list); the numbers are on the page.
        return f"{self.product_name} ({self.sku})" if self.product_name else self.sku

    @property
    def available(self) -> int:
        return self.quantity - self.reserved

    @property
    def is_low_stock(self) -> bool:
        return self.available <= self.reorder_threshold


# The choices live at module level so each model's CHECK constraint (in its Meta) can name them; the
# models expose them as ``OrderReservation.Status``, ``Reservation.Status`` and ``Movement.Kind``.


class OrderStatus(models.TextChoices):
    RESERVED = "reserved"
    FAILED = "failed"
    RELEASED = "released"
    COMMITTED = "committed"
    RETURNED = "returned"


class LineStatus(models.TextChoices):
    ACTIVE = "active"
    RELEASED = "released"
    COMMITTED = "committed"
    RETURNED = "returned"


class MovementKind(models.TextChoices):
    CREATED = "created"
    RESERVED = "reserved"
    RELEASED = "released"
    ADJUSTED = "adjusted"
    DEACTIVATED = "deactivated"
    RENAMED = "renamed"
    SHIPPED = "shipped"  # a shipped order's units left the warehouse: quantity and reserved drop
    RETURNED = "returned"  # a shipped order's goods came back: quantity rises


class OrderReservation(models.Model):
    """The answer given to one order's reserve request, and where the order's stock went since:
    ``reserved`` → ``released`` (cancelled) or ``committed`` (shipped) → ``returned`` (goods back).
    Asking for the same step again returns it and moves nothing."""

    Status = OrderStatus

    order_id = models.CharField(max_length=64, primary_key=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    shortages = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_reservation_status_known"
            )
        ]

    def __str__(self):
        return f"{self.order_id}: {self.status}"


class Reservation(models.Model):
    """Units of one item held for one order (``active``), then given back (``released``), shipped
    (``committed``) or, once shipped, back on the shelf (``returned``). Only active lines count in the
    item's ``reserved``."""

    Status = LineStatus

    order = models.ForeignKey(OrderReservation, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "item"], name="one_reservation_per_order_item"),
            models.CheckConstraint(
                condition=Q(status__in=LineStatus.values), name="reservation_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.quantity} x {self.item_id} ({self.status})"


class Movement(models.Model):
    """One change of an item's stock: what, by how much, the result, why and by whom."""

    Kind = MovementKind

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    quantity_delta = models.IntegerField(default=0)
    reserved_delta = models.IntegerField(default=0)
    quantity_after = models.IntegerField()
    reserved_after = models.IntegerField()
    order_id = models.CharField(max_length=64, blank=True)
    actor = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["item", "id"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MovementKind.values), name="movement_kind_known")
        ]

    def __str__(self):
        return f"{self.kind} {self.quantity_delta:+}/{self.reserved_delta:+} on {self.item_id}"


class ProcessedEvent(models.Model):
    """Event ids already handled (Kafka and Celery deliver at least once)."""

    event_id = models.UUIDField(primary_key=True)
    event_type = models.CharField(max_length=100)
    processed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.event_type} {self.event_id}"

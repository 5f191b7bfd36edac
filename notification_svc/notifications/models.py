"""Every message the service sends, one row per recipient: what was sent, to whom, and how it went.

A low-stock event becomes one notification per address in ``ADMIN_ALERT_EMAILS`` (an order's shipping,
one to its customer), so a row is unique on ``(event_id, recipient)``, not on ``event_id`` alone: a
redelivered event finds its rows and creates none, while each recipient's delivery keeps its own status,
attempts and error. Rows without an event (test emails) are not constrained.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    class Kind(models.TextChoices):
        LOW_STOCK = "low_stock", "Low stock"
        ORDER_SHIPPED = "order_shipped", "Order shipped"
        TEST = "test", "Test"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="SMTP attempts made, over every send.")
    error = models.TextField(blank=True, help_text="Why the last send failed.")
    event_id = models.UUIDField(null=True, blank=True, help_text="The event this notification is for.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "recipient"],
                condition=Q(event_id__isnull=False),
                name="notification_one_per_event_and_recipient",
            )
        ]
        indexes = [
            models.Index(fields=["-created_at"], name="notification_created"),
            models.Index(fields=["status", "-created_at"], name="notification_status_created"),
            models.Index(fields=["kind", "-created_at"], name="notification_kind_created"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} ({self.status})"

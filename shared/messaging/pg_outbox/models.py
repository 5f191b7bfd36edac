from django.db import models


class OutboxMessage(models.Model):
    """One message waiting to leave: where to (``kind`` + ``destination``), its key, its envelope."""

    class Kind(models.TextChoices):
        KAFKA = "kafka", "Kafka topic"
        CELERY = "celery", "Celery task"
        REDIS = "redis", "Redis channel + stream"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Kafka: the topic; Celery: the queue; Redis: "channel@stream".
    destination = models.CharField(max_length=200)
    # Kafka: the record's key; Celery: the task's name.
    key = models.CharField(max_length=200, blank=True)
    event_id = models.UUIDField(unique=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.kind}:{self.destination} {self.event_id}"

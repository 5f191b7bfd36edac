"""A Celery message keeps its queue in ``destination`` and its task in ``key`` (it was "task@queue" in
``destination``), as in the MongoDB outboxes; rows still waiting are rewritten."""

from django.db import migrations


def task_to_key(apps, schema_editor):
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    for message in OutboxMessage.objects.filter(kind="celery", destination__contains="@"):
        message.key, message.destination = message.destination.split("@", 1)
        message.save(update_fields=["key", "destination"])


def key_to_task(apps, schema_editor):
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    for message in OutboxMessage.objects.filter(kind="celery").exclude(destination__contains="@"):
        message.destination, message.key = f"{message.key}@{message.destination}", ""
        message.save(update_fields=["key", "destination"])


class Migration(migrations.Migration):
    dependencies = [("outbox", "0001_initial")]

    operations = [migrations.RunPython(task_to_key, key_to_task)]

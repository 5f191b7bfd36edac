from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "shared.messaging.pg_outbox"
    label = "outbox"  # its first home was shared.outbox: the table and the migrations keep the label
    default_auto_field = "django.db.models.BigAutoField"

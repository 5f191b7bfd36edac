"""The Celery app of inventory_svc's worker
(`celery -A config worker -Q order_created,inventory_release,inventory_commit,inventory_restock`)."""

from shared.celery import make_celery_app

app = make_celery_app("inventory")

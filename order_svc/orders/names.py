"""order_svc's own queue and tasks for what Celery beat schedules (the re-drive and the payment window).
Internal to this service (no other service sends or reads them), so they are declared here rather than
in shared.events.names. The queue keeps its first name: deploy/Procfile's order-worker consumes it."""

REDRIVE_QUEUE = "order_redrive"
REDRIVE_TASK = "orders.redrive_pending"
CANCEL_UNPAID_TASK = "orders.cancel_unpaid"

"""order_svc's own queue and task for the periodic re-drive. Internal to this service (no other service
sends or reads them), so they are declared here rather than in shared.events.names."""

REDRIVE_QUEUE = "order_redrive"
REDRIVE_TASK = "orders.redrive_pending"

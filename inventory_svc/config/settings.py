"""inventory_svc settings: the shared base plus what is this service's own.

Stock levels and reservations on PostgreSQL, fed by Kafka, driven by the saga.
"""

from shared.settings.base import *  # noqa: F403
from shared.settings.base import INSTALLED_APPS, SPECTACULAR_SETTINGS, env, service_scope

SERVICE_NAME = "inventory"

INSTALLED_APPS = [*INSTALLED_APPS, "shared.messaging.pg_outbox", "stock"]
globals().update(service_scope(SERVICE_NAME))
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "inventory_svc API",
    "DESCRIPTION": "Stock levels and reservations on PostgreSQL, fed by Kafka, driven by the saga.",
}
HEALTH_CHECKS = ["database", "redis", "rabbitmq", "kafka"]

# The catalog's admin page of a product, linked from an item's page ({product_id} is filled in); a path
# of the gateway's host by default, like the console's other links.
PRODUCT_ADMIN_URL = env.str("PRODUCT_ADMIN_URL", "/product/admin/products/product/{product_id}/change/")

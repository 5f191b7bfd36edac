"""inventory_svc settings: the shared base plus what is this service's own.

Stock levels and reservations on PostgreSQL, fed by Kafka, driven by the saga.
"""

from shared.settings.base import *  # noqa: F403
from shared.settings.base import CACHES, SPECTACULAR_SETTINGS

SERVICE_NAME = "inventory"

CACHES["default"]["KEY_PREFIX"] = SERVICE_NAME
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "inventory_svc API",
    "DESCRIPTION": "Stock levels and reservations on PostgreSQL, fed by Kafka, driven by the saga.",
}
HEALTH_CHECKS = ["database", "redis", "rabbitmq", "kafka"]

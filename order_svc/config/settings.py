"""order_svc settings: the shared base plus what is this service's own.

Orders on MongoDB and the reservation saga over RabbitMQ.
"""

from shared.settings.base import *  # noqa: F403
from shared.settings.base import CACHES, SPECTACULAR_SETTINGS, env

SERVICE_NAME = "order"

CACHES["default"]["KEY_PREFIX"] = SERVICE_NAME
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "order_svc API",
    "DESCRIPTION": "Orders on MongoDB and the reservation saga over RabbitMQ.",
}
HEALTH_CHECKS = ["database", "mongo", "redis", "rabbitmq"]

MONGO_URL = env.str("MONGO_URL")
MONGO_DB = env.str("MONGO_DB", "order")

"""product_svc settings: the shared base plus what is this service's own.

Product catalog on MongoDB; publishes product events to Kafka.
"""

from shared.settings.base import *  # noqa: F403
from shared.settings.base import CACHES, SPECTACULAR_SETTINGS, env

SERVICE_NAME = "product"

CACHES["default"]["KEY_PREFIX"] = SERVICE_NAME
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "product_svc API",
    "DESCRIPTION": "Product catalog on MongoDB; publishes product events to Kafka.",
}
HEALTH_CHECKS = ["database", "mongo", "redis", "kafka"]

MONGO_URL = env.str("MONGO_URL")
MONGO_DB = env.str("MONGO_DB", "product")

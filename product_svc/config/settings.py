"""product_svc settings: the shared base plus what is this service's own.

Product catalog on MongoDB; publishes product events to Kafka.
"""

from shared.settings.base import *  # noqa: F403
from shared.settings.base import INSTALLED_APPS, SPECTACULAR_SETTINGS, env, service_scope

SERVICE_NAME = "product"

INSTALLED_APPS = [*INSTALLED_APPS, "products"]
globals().update(service_scope(SERVICE_NAME))
# The cache only speeds reads up: with Redis down, reads go to MongoDB instead of failing.
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "product_svc API",
    "DESCRIPTION": "Product catalog on MongoDB; publishes product events to Kafka.",
}
HEALTH_CHECKS = ["database", "mongo", "redis", "kafka"]

MONGO_URL = env.str("MONGO_URL")
MONGO_DB = env.str("MONGO_DB", "product")

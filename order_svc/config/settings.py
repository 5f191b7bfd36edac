"""order_svc settings: the shared base plus what is this service's own.

Orders on MongoDB, the stock saga over RabbitMQ, status events on Kafka.
"""

from shared.settings.base import *  # noqa: F403
from shared.settings.base import INSTALLED_APPS, SPECTACULAR_SETTINGS, env, service_scope

SERVICE_NAME = "order"

globals().update(service_scope(SERVICE_NAME))
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "order_svc API",
    "DESCRIPTION": "Orders on MongoDB, the stock saga over RabbitMQ, status events on Kafka.",
}
HEALTH_CHECKS = ["database", "mongo", "redis", "rabbitmq", "kafka"]

MONGO_URL = env.str("MONGO_URL")
MONGO_DB = env.str("MONGO_DB", "order")

INSTALLED_APPS = [*INSTALLED_APPS, "orders"]

# The other services, reached over shared.http (pooled, timeouts, bounded retries).
USER_SERVICE_URL = env.str("USER_SERVICE_URL", "http://127.0.0.1:8003")
PRODUCT_SERVICE_URL = env.str("PRODUCT_SERVICE_URL", "http://127.0.0.1:8000")
HTTP_CONNECT_TIMEOUT_SECONDS = float(env.str("HTTP_CONNECT_TIMEOUT_SECONDS", "2"))
HTTP_READ_TIMEOUT_SECONDS = float(env.str("HTTP_READ_TIMEOUT_SECONDS", "5"))
HTTP_RETRIES = env.int("HTTP_RETRIES", 2)
# The service credential (a JWT with token_type "service", minted by user_svc's issue_service_token):
# SERVICE_TOKEN_FILE in deployments; SERVICE_TOKEN directly only where a file is awkward (tests).
SERVICE_TOKEN_FILE = env.str("SERVICE_TOKEN_FILE", "")
SERVICE_TOKEN = env.str("SERVICE_TOKEN", "")

# The saga's safety net (Celery beat): a pending order with no answer for the timeout gets its reserve
# command again, at most ORDER_MAX_REDRIVES times, then it is failed and its stock released.
ORDER_PENDING_TIMEOUT_SECONDS = env.int("ORDER_PENDING_TIMEOUT_SECONDS", 120)
ORDER_MAX_REDRIVES = env.int("ORDER_MAX_REDRIVES", 3)
ORDER_REDRIVE_INTERVAL_SECONDS = env.int("ORDER_REDRIVE_INTERVAL_SECONDS", 30)
# A confirmed order holds stock: unpaid this long after its confirmation, beat's sweep (every
# ORDER_PAYMENT_SWEEP_SECONDS) cancels it and releases the stock.
ORDER_PAYMENT_WINDOW_MINUTES = env.int("ORDER_PAYMENT_WINDOW_MINUTES", 30)
ORDER_PAYMENT_SWEEP_SECONDS = env.int("ORDER_PAYMENT_SWEEP_SECONDS", 60)
# Where beat keeps its schedule state (a file in the state directory, not in the source tree).
CELERY_BEAT_SCHEDULE_FILENAME = env.str("CELERY_BEAT_SCHEDULE_FILENAME", "celerybeat-schedule")

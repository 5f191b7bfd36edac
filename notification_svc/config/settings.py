"""notification_svc settings: the shared base plus what is this service's own.

Low-stock email and live staff alerts, and the customer's "order shipped" email, on PostgreSQL.
"""

import socket

from shared.settings.base import *  # noqa: F403
from shared.settings.base import INSTALLED_APPS, REDIS_URL, SPECTACULAR_SETTINGS, env, service_scope

SERVICE_NAME = "notification"

# daphne first: its runserver serves websockets too (production runs daphne itself, see deploy/Procfile).
INSTALLED_APPS = ["daphne", *INSTALLED_APPS, "channels", "notifications"]
globals().update(service_scope(SERVICE_NAME))
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "notification_svc API",
    "DESCRIPTION": "Low-stock email and live staff alerts, and the customer's order-shipped email, "
    "on PostgreSQL.",
}
HEALTH_CHECKS = ["database", "redis", "smtp"]

# Websockets: groups live in Redis, under a prefix of our own so no other user of the server collides.
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": env.str("CHANNEL_LAYER_PREFIX", "notification:ws:")},
    }
}

# Who gets the low-stock email, and where its link points: {product_id} and {sku} are filled in
# (the default is inventory_svc's admin list of items, filtered to the product).
ADMIN_ALERT_EMAILS = env.list("ADMIN_ALERT_EMAILS", ["ops@localhost"])
INVENTORY_ADMIN_URL = env.str(
    "INVENTORY_ADMIN_URL", "http://localhost/inventory/admin/stock/item/?product_id={product_id}"
)

# SMTP delivery: attempts per send, the wait before the second one (doubling after each failure), and
# the time after which no new attempt starts (each attempt is bounded by EMAIL_TIMEOUT as well).
NOTIFICATION_SEND_ATTEMPTS = env.int("NOTIFICATION_SEND_ATTEMPTS", 3)
NOTIFICATION_SEND_BACKOFF_MS = env.int("NOTIFICATION_SEND_BACKOFF_MS", 500)
NOTIFICATION_SEND_BUDGET_MS = env.int("NOTIFICATION_SEND_BUDGET_MS", 10_000)

# The low-stock stream listener (manage.py listen_low_stock). The consumer name is stable across
# restarts on one host, so a restarted listener finds the entries it had read but not acknowledged;
# entries left by a consumer that never comes back are claimed after LOW_STOCK_CLAIM_IDLE_MS.
LOW_STOCK_CONSUMER = env.str("LOW_STOCK_CONSUMER", socket.gethostname())
LOW_STOCK_BLOCK_MS = env.int("LOW_STOCK_BLOCK_MS", 2000)
LOW_STOCK_CLAIM_IDLE_MS = env.int("LOW_STOCK_CLAIM_IDLE_MS", 60_000)

"""notification_svc settings: the shared base plus what is this service's own.

Low-stock email and live staff alerts on PostgreSQL.
"""

from shared.settings.base import *  # noqa: F403
from shared.settings.base import CACHES, SPECTACULAR_SETTINGS

SERVICE_NAME = "notification"

CACHES["default"]["KEY_PREFIX"] = SERVICE_NAME
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "notification_svc API",
    "DESCRIPTION": "Low-stock email and live staff alerts on PostgreSQL.",
}
HEALTH_CHECKS = ["database", "redis", "smtp"]

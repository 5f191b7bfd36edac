"""user_svc settings: the shared base plus what is this service's own.

Accounts, JWT authentication, profiles and addresses on PostgreSQL.
"""

from shared.settings.base import *  # noqa: F403
from shared.settings.base import CACHES, SPECTACULAR_SETTINGS

SERVICE_NAME = "user"

CACHES["default"]["KEY_PREFIX"] = SERVICE_NAME
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "user_svc API",
    "DESCRIPTION": "Accounts, JWT authentication, profiles and addresses on PostgreSQL.",
}
HEALTH_CHECKS = ["database", "redis"]

"""user_svc settings: the shared base plus what is this service's own.

Accounts, JWT authentication, profiles and addresses on PostgreSQL.
"""

from shared.auth.keys import read_key
from shared.settings.base import *  # noqa: F403
from shared.settings.base import (
    INSTALLED_APPS,
    REST_FRAMEWORK,
    SIMPLE_JWT,
    SPECTACULAR_SETTINGS,
    env,
    service_scope,
)

SERVICE_NAME = "user"

# Django's admin with the site that logs staff in for every service (accounts.staff).
INSTALLED_APPS = [
    "accounts.apps.AccountsAdminConfig" if app == "shared.admin.apps.PlatformAdminConfig" else app
    for app in [*INSTALLED_APPS, "rest_framework_simplejwt.token_blacklist", "accounts"]
]
AUTH_USER_MODEL = "accounts.User"
# The staff cookie maps to the account row (so a lost staff flag counts at once); passwords for the login.
AUTHENTICATION_BACKENDS = ["accounts.backends.StaffTokenBackend", "django.contrib.auth.backends.ModelBackend"]
_scope = service_scope(SERVICE_NAME)
globals().update(_scope)
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "user_svc API",
    "DESCRIPTION": "Accounts, JWT authentication, profiles and addresses on PostgreSQL.",
}
HEALTH_CHECKS = ["database", "redis"]

# Only this service holds the private key: it alone issues tokens.
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": read_key(env.str("JWT_PRIVATE_KEY_FILE"))}

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    # The gateway is the one proxy in front: the client address is the last X-Forwarded-For hop it adds.
    "NUM_PROXIES": 1,
}

# The login throttle of every path that checks a password (accounts.login_throttle): per account, so
# guessing one account's password is slowed whatever the source; per client address, so one client
# cannot sweep accounts. Counted in Redis; in each process's memory while Redis does not answer.
LOGIN_RATE_PER_ACCOUNT = env.str("LOGIN_RATE_PER_ACCOUNT", "5/min")
LOGIN_RATE_PER_ADDRESS = env.str("LOGIN_RATE_PER_ADDRESS", "30/min")
LOGIN_THROTTLE_CACHES = ("default", "local")  # (shared, this process's fallback): accounts.fallback_cache
CACHES = {
    **_scope["CACHES"],
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "user-local"},
}

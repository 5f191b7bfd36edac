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
globals().update(service_scope(SERVICE_NAME))
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
    # Counted in Redis (the default cache). Per account: slows guessing one account's password.
    "DEFAULT_THROTTLE_RATES": {
        "login_account": env.str("LOGIN_RATE_PER_ACCOUNT", "5/min"),
        "login_address": env.str("LOGIN_RATE_PER_ADDRESS", "30/min"),
    },
    # The gateway is the one proxy in front: the client address is the last X-Forwarded-For hop it adds.
    "NUM_PROXIES": 1,
}

"""Settings every service starts from; a service's ``config/settings.py`` star-imports this module
and adds a dozen lines of its own (name, apps, health checks, Mongo database).

Every value comes from the environment through ``shared.env``; see deploy/env/ for the files that
provide them locally and in compose.
"""

from datetime import timedelta

from csp.constants import NONE, SELF, UNSAFE_INLINE

from shared.auth.keys import read_key
from shared.env import env
from shared.logging import logging_config

SERVICE_NAME = "unnamed"  # each service sets its own

SECRET_KEY = env.str("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The gateway terminates the client connection and tells us the original scheme and host.
USE_X_FORWARDED_HOST = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    # The staff console: its templates first (they extend the admin's), then Django's admin with the
    # platform's site (shared.admin.site.PlatformAdminSite).
    "shared.admin",
    "shared.admin.apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "shared.middleware.RequestIdMiddleware",
    "shared.middleware.ForwardedPrefixMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files of the admin and the browsable API, from the process itself (no separate server).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every response the service renders (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # request.user from the staff cookie (shared.auth.staff), in place of Django's session login.
    "shared.auth.staff.StaffCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# One staff identity (shared.auth.staff): accounts and passwords live in user_svc only, which logs staff
# in and out for every service's admin and browsable API; the others map the token to a staff user.
AUTHENTICATION_BACKENDS = ["shared.auth.staff.StaffTokenBackend"]
STAFF_LOGIN_URL = env.str("STAFF_LOGIN_URL", "/user/admin/login/")
STAFF_LOGOUT_URL = env.str("STAFF_LOGOUT_URL", "/user/admin/logout/")
STAFF_REFRESH_URL = env.str("STAFF_REFRESH_URL", "/user/admin/refresh/")
LOGIN_URL = STAFF_LOGIN_URL
# One CSRF cookie for the whole console (the default name, path /): a page of one service may post to
# another's URL (every logout form posts to user_svc's). Secure cookies when served over TLS only.
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", False)

# PostgreSQL for the ORM services; the MongoDB services keep Django's own tables (sessions, admin
# log) in a small SQLite file, their business data in MongoDB (MONGO_URL / MONGO_DB).
DATABASES = {"default": env.database("DATABASE_URL")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "",  # each service sets its name here, so services never read each other's keys
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
    }
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
KAFKA_BOOTSTRAP_SERVERS = env.str("KAFKA_BOOTSTRAP_SERVERS")

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", 1025)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "shop@localhost")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "shared.openapi.ErrorDocumentingSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Bearer JWT first, so that a request without credentials gets 401 with WWW-Authenticate: Bearer.
    # Sessions serve the browsable API and admin of the service's own staff accounts.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "shared.auth.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "shared.pagination.Pagination",
    "PAGE_SIZE": 20,
    # A database, broker or service that does not answer is a 503 naming it, never a 500 (handler500,
    # shared.errors.server_error, does the same outside DRF).
    "EXCEPTION_HANDLER": "shared.outages.exception_handler",
}

# Tokens are issued by user_svc (which alone sets SIGNING_KEY from its private key) and verified by every
# service with the public key; RS256 only, so unsigned (alg "none") or HMAC-forged tokens are refused.
JWT_PUBLIC_KEY_FILE = env.str("JWT_PUBLIC_KEY_FILE")
SIMPLE_JWT = {
    "ALGORITHM": "RS256",
    "SIGNING_KEY": None,
    "VERIFYING_KEY": read_key(JWT_PUBLIC_KEY_FILE),
    "ISSUER": "user_svc",
    "LEEWAY": 5,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", 5)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_TOKEN_CLASSES": (
        "rest_framework_simplejwt.tokens.AccessToken",
        "shared.auth.tokens.ServiceToken",
    ),
    "TOKEN_USER_CLASS": "shared.auth.principals.PlatformUser",
}

SPECTACULAR_SETTINGS = {
    "VERSION": "1.0.0",
    # Swagger UI and ReDoc from drf-spectacular-sidecar's pinned copies, served by the service itself.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The contract's bodies are JSON; form parsers (shared.parsers.JSON_AND_FORM_PARSERS) serve only the
    # browsable API's HTML forms for staff, so the schema does not offer them to clients.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Content-Security-Policy (django-csp) -------------------------------------------------------------
# The admin, Swagger UI, ReDoc and the browsable API load only what the service itself serves: its
# static files (whitenoise, with drf-spectacular-sidecar's copies of Swagger UI and ReDoc) and its own
# API. No inline script runs anywhere (Swagger UI's init script is a file of its own: shared.urls uses
# SpectacularSwaggerSplitView), so script-src is 'self' alone. Inline styles stay allowed: Swagger UI,
# ReDoc (styled-components) and the admin set style attributes and style elements, a far smaller risk
# than scripts. Swagger UI's, ReDoc's and the browsable API's styles draw icons from data: URIs; ReDoc
# searches in a worker made from a blob: URL.
# JSON responses carry the same policy: it is strict already (no inline script, no other origin, no
# framing), and with nosniff (the gateway) no browser renders a JSON body as a page, so a second,
# stricter policy for them would protect nothing more and be one more thing to keep right.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# --- end of Content-Security-Policy ------------------------------------------------------------------

# Names from shared.health.checks.CHECKS that /health/ready runs; each service lists its own.
HEALTH_CHECKS = ["database"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"  # service_scope() makes it /<service>/static/
STATIC_ROOT = env.str("STATIC_ROOT", None)

LOGGING = logging_config(env.str("LOG_LEVEL", "INFO"))


def service_scope(service_name: str) -> dict:
    """Settings that must differ between services sharing one Redis and one public host (the gateway).

    A service's settings module applies them with ``globals().update(service_scope(SERVICE_NAME))``.
    """
    return {
        # Cache keys: services never read each other's entries.
        "CACHES": {"default": {**CACHES["default"], "KEY_PREFIX": service_name}},
        # Sessions hold only the admin's flash messages; one cookie per service so they never mix.
        "SESSION_COOKIE_NAME": f"{service_name}_sessionid",
        # The gateway routes /<service>/static/ to this service, which serves it (whitenoise).
        "STATIC_URL": f"/{service_name}/static/",
    }

"""Typed access to environment variables: the one way settings read their configuration."""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

_UNSET = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ImproperlyConfiguredEnv(RuntimeError):
    """A required variable is missing or malformed; the message names it."""


class Env:
    """Read settings from ``os.environ`` (or a given mapping), failing loudly on bad values."""

    def __init__(self, environ=None):
        self._environ = os.environ if environ is None else environ

    def _raw(self, name, default):
        value = self._environ.get(name)
        if value is None:
            if default is _UNSET:
                raise ImproperlyConfiguredEnv(f"environment variable {name} is required")
            return None
        return value

    def str(self, name, default=_UNSET):
        value = self._raw(name, default)
        return default if value is None else value

    def int(self, name, default=_UNSET):
        value = self._raw(name, default)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise ImproperlyConfiguredEnv(f"{name} must be an integer, got {value!r}") from None

    def bool(self, name, default=_UNSET):
        value = self._raw(name, default)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfiguredEnv(f"{name} must be a boolean (true/false), got {value!r}")

    def list(self, name, default=_UNSET):
        value = self._raw(name, default)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def database(self, name="DATABASE_URL", default=_UNSET):
        """Parse ``postgres://user:pass@host:port/db`` or ``sqlite:////abs/path`` into a DATABASES entry."""
        value = self.str(name, default)
        return parse_database_url(value, name)


def parse_database_url(url, name="DATABASE_URL"):
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql"}:
        database = parts.path.lstrip("/")
        if not database:
            raise ImproperlyConfiguredEnv(f"{name} names no database: {url!r}")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(database),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Persistent connections: gunicorn sync workers reuse one connection per worker.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {"connect_timeout": 3},
        }
    if parts.scheme == "sqlite":
        # As in dj-database-url: sqlite:////abs/path is absolute, sqlite:///rel/path is relative.
        path = Path(unquote(parts.path)[1:])
        path.parent.mkdir(parents=True, exist_ok=True)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    raise ImproperlyConfiguredEnv(f"{name} must be a postgres:// or sqlite:/// URL, got {url!r}")


env = Env()

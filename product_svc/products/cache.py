"""Read-through cache of catalog reads in Redis (django-redis). Every write bumps a version that is part
of every key, so one increment makes all cached lists and products stale at once. When Redis is down,
reads go to MongoDB (the service settings make django-redis ignore connection errors)."""

import hashlib
import json

from django.core.cache import cache

VERSION_KEY = "products:version"
TTL_SECONDS = 60


def cached(kind: str, params: dict, load):
    version = cache.get(VERSION_KEY) or 0
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:32]
    key = f"products:{kind}:v{version}:{digest}"
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, TTL_SECONDS)
    return value


def invalidate() -> None:
    """Call after every write has been stored."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or Redis was flushed)
        cache.set(VERSION_KEY, 1, timeout=None)

"""Read-through cache of catalog reads in Redis (django-redis). Every write bumps a version that is part
of every key, so one increment makes all cached lists and products stale at once. When Redis is down,
reads go to MongoDB (the service settings make django-redis ignore connection errors)."""

import hashlib
import json

from django.core.cache import cache

VERSION_KEY = "products:version"
TTL_SECONDS = 60


def _key(kind: str, version: int, params: dict) -> str:
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"products:{kind}:v{version}:{digest}"


def cached(kind: str, params: dict, load):
    key = _key(kind, cache.get(VERSION_KEY) or 0, params)
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, TTL_SECONDS)
    return value


def cached_each(kind: str, params_list: list[dict], load_one) -> list:
    """``cached`` for many entries in three Redis round trips (version, get_many, set_many) whatever
    their number; ``load_one(params)`` fills each one missing. None is never cached."""
    version = cache.get(VERSION_KEY) or 0
    keys = [_key(kind, version, params) for params in params_list]
    found = cache.get_many(keys)
    values, missing = [], {}
    for key, params in zip(keys, params_list, strict=True):
        value = found.get(key)
        if value is None:
            value = load_one(params)
            if value is not None:
                missing[key] = value
        values.append(value)
    if missing:
        cache.set_many(missing, TTL_SECONDS)
    return values


def invalidate() -> None:
    """Call after every write has been stored."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or Redis was flushed)
        cache.set(VERSION_KEY, 1, timeout=None)

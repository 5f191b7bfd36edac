"""The low-stock listener: notification's handlers on the low-stock stream, read as a consumer group by
the shared StreamListener (shared.messaging.redis_listener says how entries are read and acknowledged).
"""

import redis
from django.conf import settings

from notifications.handlers import LOW_STOCK_STREAM_HANDLERS
from shared.events import names
from shared.messaging.redis_listener import StreamListener


def build_listener(**options) -> StreamListener:
    """The listener of LOW_STOCK_STREAM, in LOW_STOCK_GROUP, with this service's handlers."""
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=2,
        # Longer than a blocking read, so only a dead connection times out.
        socket_timeout=settings.LOW_STOCK_BLOCK_MS / 1000 + 5,
    )
    return StreamListener(
        client,
        stream=names.LOW_STOCK_STREAM,
        group=names.LOW_STOCK_GROUP,
        consumer=settings.LOW_STOCK_CONSUMER,
        handlers=LOW_STOCK_STREAM_HANDLERS,
        block_ms=settings.LOW_STOCK_BLOCK_MS,
        claim_idle_ms=settings.LOW_STOCK_CLAIM_IDLE_MS,
        **options,
    )

"""One function per kind of dependency. Each returns None when healthy and raises when not.

Every check bounds its own time, so a hung dependency makes readiness fail fast instead of hanging.
"""

import os
import smtplib
import threading

from django.conf import settings
from django.db import connections

TIMEOUT_SECONDS = 2.0


def database():
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        # Checks run on pool threads; a connection left open there would be held forever.
        connection.close()


def redis():
    from django_redis import get_redis_connection

    get_redis_connection("default").ping()


def mongo():
    from shared.mongo import get_client

    get_client().admin.command("ping")


def rabbitmq():
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT_SECONDS) as connection:
        connection.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)


def kafka():
    metadata = _kafka_admin().list_topics(timeout=TIMEOUT_SECONDS)
    if not metadata.brokers:
        raise ConnectionError("no Kafka broker in metadata")


def smtp():
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=TIMEOUT_SECONDS) as server:
        server.noop()


_admin_lock = threading.Lock()
_admin = {"pid": None, "client": None}


def _kafka_admin():
    """One AdminClient per process: librdkafka state does not survive a fork, so key it by pid."""
    from confluent_kafka.admin import AdminClient

    with _admin_lock:
        if _admin["pid"] != os.getpid():
            _admin["client"] = AdminClient(
                {
                    "bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
                    "socket.timeout.ms": int(TIMEOUT_SECONDS * 1000),
                }
            )
            _admin["pid"] = os.getpid()
        return _admin["client"]


CHECKS = {
    "database": database,
    "redis": redis,
    "mongo": mongo,
    "rabbitmq": rabbitmq,
    "kafka": kafka,
    "smtp": smtp,
}

"""The process's MongoDB client and the service's database (pymongo 4).

Repositories call ``get_database()``; nothing else opens Mongo connections. The client is made lazily
and per process, because pymongo clients must not cross a fork (gunicorn and Celery prefork).
"""

import os
import threading

from django.conf import settings
from pymongo import MongoClient

_lock = threading.Lock()
_state = {"pid": None, "client": None}


def get_client() -> MongoClient:
    with _lock:
        if _state["pid"] != os.getpid():
            _state["client"] = MongoClient(
                settings.MONGO_URL,
                serverSelectionTimeoutMS=3000,
                connectTimeoutMS=3000,
                tz_aware=True,
                appname=f"{settings.SERVICE_NAME}_svc",
            )
            _state["pid"] = os.getpid()
        return _state["client"]


def get_database():
    return get_client()[settings.MONGO_DB]

"""gunicorn settings for every service's HTTP API (``gunicorn -c python:shared.gunicorn_conf``).

Sync workers: measured on the 2-core box, DRF under gunicorn sync answers several times more requests
per second than under an ASGI server, where every sync view costs a thread hop. Sync workers close
the connection after each response, so the gateway's upstream keepalive only pays off with a threaded
worker (GUNICORN_WORKER_CLASS=gthread). `make bench` on the 2-core box, one run each: sync served
cached product gets at 1,108 req/s against gthread's 798 (4 threads), and confirmed 38.7 orders/s
against gthread's 42.8 with lower latency (p50 426 ms against 714). No clear win, so sync stays.
"""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# gunicorn's most (default 4094): a product list with 100 ids and long non-ASCII filters needs ~6 kB.
limit_request_line = 8190
graceful_timeout = 20
# The request log comes from shared.middleware.RequestIdMiddleware (JSON, with the request id).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Heartbeat files on tmpfs, so a slow disk cannot make the arbiter think a worker hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Only the gateway (on loopback or the compose network) may set X-Forwarded-*.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

"""The Celery app of the round-trip ceiling: one trivial task, configured like the saga's workers (JSON,
late acks, prefetch 1, publisher confirms), results back over RabbitMQ (``rpc://``) so the caller sees
each round trip end. Broker: BENCH_BROKER_URL, a throwaway vhost of the stack's RabbitMQ."""

import os

from celery import Celery

QUEUE = "bench_probe"

app = Celery("bench_probe", broker=os.environ["BENCH_BROKER_URL"], backend="rpc://")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_transport_options={"confirm_publish": True},
    task_default_queue=QUEUE,
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)


@app.task(name="bench.echo")
def echo(value):
    return value

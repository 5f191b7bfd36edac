"""A throwaway Celery app for the stack tests: proves a task crosses RabbitMQ to a real worker."""

import os

from celery import Celery

app = Celery("stack_probe", broker=os.environ["CELERY_BROKER_URL"], backend="rpc://")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)


@app.task(name="stack_probe.describe")
def describe(number):
    return {"pid": os.getpid(), "doubled": number * 2}

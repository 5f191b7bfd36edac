"""The Celery app of order_svc: the saga's reply worker and the scheduler (beat).

Worker: ``celery -A config worker -Q inventory_reserved,inventory_failed,order_redrive``.
Beat:   ``celery -A config beat`` sends ``orders.redrive_pending`` every ORDER_REDRIVE_INTERVAL_SECONDS and
``orders.cancel_unpaid`` every ORDER_PAYMENT_SWEEP_SECONDS to the ``order_redrive`` queue (each expiring
after one interval, so a stopped worker does not find a pile).
"""

import threading
import time

from celery.signals import beat_init
from django.conf import settings
from kombu import Exchange, Queue

from orders.messages import CANCEL_UNPAID_TASK, REDRIVE_QUEUE, REDRIVE_TASK
from shared import heartbeat
from shared.celery import make_celery_app

app = make_celery_app("order")

app.conf.task_queues = [
    *app.conf.task_queues,
    Queue(REDRIVE_QUEUE, Exchange(REDRIVE_QUEUE, type="direct", durable=True), routing_key=REDRIVE_QUEUE),
]


def _every(task: str, seconds: int) -> dict:
    return {
        "task": task,
        "schedule": float(seconds),
        "options": {"queue": REDRIVE_QUEUE, "expires": float(seconds)},
    }


app.conf.beat_schedule = {
    "redrive-pending-orders": _every(REDRIVE_TASK, settings.ORDER_REDRIVE_INTERVAL_SECONDS),
    "cancel-unpaid-orders": _every(CANCEL_UNPAID_TASK, settings.ORDER_PAYMENT_SWEEP_SECONDS),
}


@beat_init.connect(weak=False)
def _beat_heartbeat(sender=None, **_):
    """Beat has no ``inspect ping``: touch the heartbeat file (shared.heartbeat, checked by the
    healthcheck ``python -m shared.heartbeat /tmp/heartbeat 30``) while the beat process lives."""

    def beat_forever():
        while True:
            heartbeat.beat()
            time.sleep(10)

    threading.Thread(target=beat_forever, name="beat-heartbeat", daemon=True).start()

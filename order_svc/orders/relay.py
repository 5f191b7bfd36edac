"""The order outbox relay: embedded outboxes of the orders collection → the saga's RabbitMQ queues.

Each entry is a Celery task message (``topic`` = queue, ``key`` = task name, ``value`` = the envelope, sent
as the task's kwargs with the event id as task id). Publisher confirms are on (shared.celery), so a send
returns only once the broker has the message; the entry is removed only then.
"""

import json

from shared.celery import SAGA_QUEUES, dead_letter_queue, saga_queue
from shared.messaging.relay import Relay


class CeleryPublisher:
    """Send outbox messages as Celery tasks. ``broker_url`` overrides the app's broker (tests use a
    throwaway vhost); the saga queues are declared on the first send, because a message sent to a queue
    nobody declared yet would be dropped."""

    def __init__(self, app, broker_url: str | None = None):
        self.app = app
        self.broker_url = broker_url
        self._declared = False

    def __call__(self, messages) -> None:
        with self.app.connection_for_write(self.broker_url) as connection:
            if not self._declared:
                channel = connection.default_channel
                for name in SAGA_QUEUES:
                    saga_queue(name).bind(channel).declare()
                    dead_letter_queue(name).bind(channel).declare()
                self._declared = True
            for message in messages:
                self.app.send_task(
                    message.key,
                    kwargs=json.loads(message.value),
                    queue=message.topic,
                    task_id=message.event_id,
                    connection=connection,
                )


def build_relay(*, broker_url: str | None = None, **options) -> Relay:
    from config.celery import app
    from orders import repository

    return Relay(repository.outbox(), CeleryPublisher(app, broker_url), **options)

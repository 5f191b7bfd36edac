"""How tests keep their messages away from the running stack: one name scope, applied where a name meets
its broker.

Topic, stream, channel and group names are the constants of ``shared.events.names``, written as they are
into outboxes, handler tables and consumers. The publishers and consumers of ``shared.messaging`` pass
every Kafka topic, consumer group, Redis channel and stream through ``scoped()`` on the way to the broker.
The stack runs unscoped; a test runs inside ``isolated()``:

    with isolated() as tag:       # product.events is sent to and read from "<tag>.product.events"
        client.xrange(scoped(LOW_STOCK_STREAM))

(the Kafka helpers of ``shared.testing.kafka`` scope the names they are given themselves.)

The scope is also in the environment (``MESSAGING_SCOPE``), so a relay, worker or consumer a test starts
as a subprocess inherits it. RabbitMQ is isolated by a throwaway virtual host instead (its queues are
declared by name in every worker's command line), and databases by their own test names.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

ENVIRONMENT_VARIABLE = "MESSAGING_SCOPE"


def current() -> str:
    """The scope in force: empty in the stack."""
    return os.environ.get(ENVIRONMENT_VARIABLE, "")


def scoped(name: str) -> str:
    """``name`` as the broker knows it in the current scope."""
    scope = current()
    return f"{scope}.{name}" if scope else name


@contextmanager
def isolated(tag: str | None = None) -> Iterator[str]:
    """Run the block in a scope of its own (a new one unless ``tag`` is given); scopes nest, the previous
    one is back afterwards. Yields the scope's tag."""
    tag = tag or f"test-{uuid.uuid4().hex[:10]}"
    previous = os.environ.get(ENVIRONMENT_VARIABLE)
    os.environ[ENVIRONMENT_VARIABLE] = tag
    try:
        yield tag
    finally:
        if previous is None:
            del os.environ[ENVIRONMENT_VARIABLE]
        else:
            os.environ[ENVIRONMENT_VARIABLE] = previous

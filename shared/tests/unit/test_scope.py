"""The tests' messaging scope (shared.events.scope): names unchanged in the stack, prefixed inside a scope,
nested scopes restored, and the scope inherited by a process started inside it."""

import os
import subprocess
import sys

from shared.events.names import LOW_STOCK_STREAM, PRODUCT_EVENTS_TOPIC
from shared.events.scope import ENVIRONMENT_VARIABLE, isolated, scoped


def test_outside_a_scope_a_name_is_the_constant(monkeypatch):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    assert scoped(PRODUCT_EVENTS_TOPIC) == "product.events"


def test_inside_a_scope_every_name_carries_its_tag_and_the_previous_scope_comes_back(monkeypatch):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    with isolated("outer"):
        assert scoped(PRODUCT_EVENTS_TOPIC) == "outer.product.events"
        with isolated() as inner:
            assert inner.startswith("test-") and inner != "outer"
            assert scoped(LOW_STOCK_STREAM) == f"{inner}.inventory:low-stock:stream"
        assert scoped(LOW_STOCK_STREAM) == "outer.inventory:low-stock:stream"
    assert ENVIRONMENT_VARIABLE not in os.environ
    assert scoped(PRODUCT_EVENTS_TOPIC) == "product.events"


def test_a_process_started_inside_a_scope_sends_to_the_same_names():
    program = "from shared.events.scope import scoped; print(scoped('order.events'))"
    with isolated("child-scope"):
        output = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "child-scope.order.events"


def test_a_scoped_name_is_a_legal_kafka_topic_name():
    with isolated() as tag:
        name = scoped(PRODUCT_EVENTS_TOPIC)
    assert tag in name and len(name) <= 249
    assert all(c.isalnum() or c in "._-" for c in name)

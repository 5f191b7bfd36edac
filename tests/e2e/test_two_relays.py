"""Issue 18: two outbox relays per service at once, against the real brokers, lose no message and send
none twice; when one is killed (-9) the other carries on alone.

Beside the stack's own relay of product_svc, order_svc and inventory_svc, each test runs a second one
(``<service>-relay-2``). Products are created and ordered through the gateway, which makes every relay
work: product.events (product relay), inventory.created and inventory.reserved (inventory relay), the
reserve command and order.events (order relay). What reached Kafka since the test began is read back
and counted per product and per order.
"""

import os
import signal
import subprocess
from collections import Counter
from contextlib import ExitStack, contextmanager

import pytest

from shared.events import names
from shared.testing.gateway import new_customer
from shared.testing.kafka import end_offsets, read_since
from shared.testing.stack import RUN_SH, service_env, stack
from tests.shop import create_product, inventory_item, place_order, settled_order

pytestmark = pytest.mark.slow
SERVICES = ("product", "order", "inventory")
TOPICS = (names.PRODUCT_EVENTS_TOPIC, names.INVENTORY_EVENTS_TOPIC, names.ORDER_EVENTS_TOPIC)
ROUND = 6  # products, and as many orders, per round


@contextmanager
def second_relay(service: str, run_dir):
    """Another ``relay_outbox`` of ``service`` beside the stack's, stopped (SIGTERM) afterwards."""
    name = f"{service}-relay-2"
    env = {**os.environ, "PROCESS_NAME": name, "HEARTBEAT_FILE": str(run_dir / f"{name}.heartbeat")}
    with open(run_dir / f"{name}.log", "wb") as log:
        process = subprocess.Popen(
            [str(RUN_SH), service, "python", "manage.py", "relay_outbox"], env=env, stdout=log, stderr=log
        )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
    assert process.returncode in (0, -signal.SIGTERM), (run_dir / f"{name}.log").read_text()[-2000:]


def a_round(staff_account, customer) -> tuple[list[str], list[str]]:
    """ROUND products with plenty of stock (no low-stock alert), each ordered once; their ids and the
    orders' ids once all confirmed."""
    products = [create_product(staff_account)["id"] for _ in range(ROUND)]
    for product_id in products:
        inventory_item(staff_account, product_id)
    orders = [place_order(customer, product_id)["id"] for product_id in products]
    for order_id in orders:
        order = settled_order(customer.gateway_url, customer.headers, order_id)
        assert order["status"] == "confirmed", order
    return products, orders


def sent_since(offsets) -> dict[str, list[dict]]:
    bootstrap = service_env("product")["KAFKA_BOOTSTRAP_SERVERS"]
    return {
        topic: [envelope for _key, envelope in read_since(bootstrap, topic, offsets[topic])]
        for topic in TOPICS
    }


def what_happened(sent, products, orders) -> Counter:
    """How often each expected event of these products and orders reached Kafka, by its own event id."""
    ours = set(products) | set(orders)
    seen = Counter()
    for topic, envelopes in sent.items():
        for envelope in envelopes:
            about = envelope["data"].get("order_id") or envelope["data"].get("product_id")
            if about in ours:
                seen[(topic, envelope["event_type"], about, envelope["data"].get("status"))] += 1
                seen[("event id", envelope["event_id"])] += 1
    return seen


def expected(products, orders) -> set:
    return {
        *((names.PRODUCT_EVENTS_TOPIC, names.PRODUCT_CREATED, p, None) for p in products),
        *((names.INVENTORY_EVENTS_TOPIC, names.INVENTORY_CREATED, p, None) for p in products),
        *((names.INVENTORY_EVENTS_TOPIC, names.INVENTORY_RESERVED, o, None) for o in orders),
        *(
            (names.ORDER_EVENTS_TOPIC, names.ORDER_STATUS_CHANGED, o, status)
            for o in orders
            for status in ("pending", "confirmed")
        ),
    }


@pytest.fixture(scope="module")
def buyer(gateway_url):
    return new_customer(gateway_url, "relays")


@contextmanager
def second_relays(run_dir):
    """A second relay of every service for the block; yields where Kafka's topics ended when it began."""
    bootstrap = service_env("product")["KAFKA_BOOTSTRAP_SERVERS"]
    offsets = {topic: end_offsets(bootstrap, topic) for topic in TOPICS}
    with ExitStack() as relays:
        for service in SERVICES:
            relays.enter_context(second_relay(service, run_dir))
        yield offsets


def test_two_relays_per_service_send_everything_once(staff_account, buyer, tmp_path):
    with second_relays(tmp_path) as offsets:
        # when products are made and ordered while two relays of each service run
        products, orders = a_round(staff_account, buyer)

    # then every event reached Kafka exactly once
    seen = what_happened(sent_since(offsets), products, orders)
    events = {key: count for key, count in seen.items() if key[0] != "event id"}
    assert set(events) == expected(products, orders)
    assert set(events.values()) == {1}, {key: n for key, n in events.items() if n != 1}
    assert {n for key, n in seen.items() if key[0] == "event id"} == {1}


def test_the_second_relay_carries_on_when_the_first_is_killed(staff_account, buyer, tmp_path):
    with second_relays(tmp_path) as offsets:
        # given the stack's own relays killed (-9), their second instances alone
        for service in SERVICES:
            stack("kill", f"{service}-relay")
        try:
            # when products are made and ordered
            products, orders = a_round(staff_account, buyer)
        finally:
            for service in SERVICES:
                stack("start", f"{service}-relay")

    # then nothing is missing (a relay killed mid-batch may have sent a message twice: consumers absorb it)
    seen = what_happened(sent_since(offsets), products, orders)
    assert {key for key in seen if key[0] != "event id"} == expected(products, orders)

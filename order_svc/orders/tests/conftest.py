"""Fixtures of order_svc's tests: a private MongoDB database, real users in the running user_svc, real
products in the running product_svc, and the relay drained in-process against a throwaway vhost and the
tests' own Kafka topic for the order events (a scope of shared.events.scope)."""

import json
import os
import uuid

import pytest
import requests
from django.conf import settings as django_settings

from orders import repository, services
from orders.relay import build_relay
from shared import mongo
from shared.events.names import ORDER_EVENTS_TOPIC, SAGA_QUEUES
from shared.events.scope import isolated
from shared.testing import jwt
from shared.testing.fixtures import api, client_with, staff_browser  # noqa: F401  (fixture)
from shared.testing.kafka import scoped_topics
from shared.testing.mongo import counting_commands
from shared.testing.rabbitmq import create_vhost, delete_vhost

TEST_DB = f"test_order_{uuid.uuid4().hex[:8]}"
MANAGEMENT_PORT = int(os.environ.get("RABBITMQ_MANAGEMENT_PORT", "15672"))
PASSWORD = "a-Long-and-unusual-passphrase-42"


@pytest.fixture(scope="session", autouse=True)
def _messaging_scope():
    """The order events go to a topic of the tests' own (shared.events.scope): the stack's order.events
    has consumers."""
    with isolated(), scoped_topics(django_settings.KAFKA_BOOTSTRAP_SERVERS, ORDER_EVENTS_TOPIC):
        yield


@pytest.fixture(autouse=True)
def orders_db(settings):
    """A private MongoDB database, empty at the start of every test, and the service credential."""
    settings.MONGO_DB = TEST_DB
    settings.SERVICE_TOKEN = jwt.service_token("order")
    database = mongo.get_database()
    for name in database.list_collection_names():
        database[name].delete_many({})
    return database


@pytest.fixture(scope="session", autouse=True)
def _drop_test_database():
    yield
    mongo.get_client().drop_database(TEST_DB)


@pytest.fixture(scope="session")
def broker_url():
    url = create_vhost(django_settings.CELERY_BROKER_URL, MANAGEMENT_PORT)
    yield url
    delete_vhost(url, MANAGEMENT_PORT)


def register_user() -> dict:
    """A real account in the running user_svc: ``{id, email, token}`` with a token signed by the
    platform's key for that user (logging in for every test would meet user_svc's login throttle)."""
    email = f"order-{uuid.uuid4().hex[:10]}@example.com"
    response = requests.post(
        f"{django_settings.USER_SERVICE_URL}/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "first_name": "Ann"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    user_id = str(response.json()["id"])
    return {"id": user_id, "email": email, "token": jwt.access_token(user_id=user_id, email=email)}


def login(email: str) -> str:
    response = requests.post(
        f"{django_settings.USER_SERVICE_URL}/api/v1/auth/login",
        json={"email": email, "password": PASSWORD},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["access"]


@pytest.fixture(scope="session")
def alice():
    return register_user()


@pytest.fixture(scope="session")
def bob():
    return register_user()


@pytest.fixture
def alice_api(alice):
    return client_with(alice["token"])


@pytest.fixture
def bob_api(bob):
    return client_with(bob["token"])


@pytest.fixture
def staff_api():
    return client_with(jwt.access_token(is_staff=True, email="staff@example.com"))


def create_product(**fields) -> dict:
    """A real product in the running product_svc (its inventory item follows through Kafka)."""
    body = {
        "sku": f"ORD-{uuid.uuid4().hex[:10]}",
        "name": "Teapot",
        "category": "kitchen",
        "price": "19.99",
        "initial_stock": 10,
        **fields,
    }
    response = requests.post(
        f"{django_settings.PRODUCT_SERVICE_URL}/api/v1/products/",
        json=body,
        headers={"Authorization": f"Bearer {jwt.access_token(is_staff=True)}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def make_product():
    return create_product


@pytest.fixture
def drain(broker_url):
    """Run the real relay against the throwaway vhost until the outbox is empty; return how many sent."""

    def run():
        relay = build_relay(broker_url=broker_url)
        sent = 0
        for _ in range(100):
            batch = relay.run_once()
            if not batch:
                return sent
            sent += batch
        raise AssertionError("the outbox did not drain")

    return run


def _outbox(order_id: str) -> list[dict]:
    return repository.collection().find_one({"_id": order_id}).get("outbox", [])


def outbox_of(order_id: str) -> list[tuple]:
    """The saga commands waiting in an order's outbox: ``[(task, queue, data)]``."""
    return [
        (e["key"], e["topic"], json.loads(e["value"])["data"])
        for e in _outbox(order_id)
        if e["topic"] in SAGA_QUEUES
    ]


def events_of(order_id: str) -> list[dict]:
    """The events waiting in an order's outbox, as envelopes; each must be keyed by the order id and
    bound for the tests' order events topic."""
    entries = [e for e in _outbox(order_id) if e["topic"] not in SAGA_QUEUES]
    assert {(e["topic"], e["key"]) for e in entries} <= {(ORDER_EVENTS_TOPIC, order_id)}
    return [json.loads(e["value"]) for e in entries]


def statuses_announced(order_id: str) -> list[tuple]:
    """``[(previous_status, status)]`` of the events waiting in an order's outbox."""
    return [(e["data"].get("previous_status"), e["data"]["status"]) for e in events_of(order_id)]


@pytest.fixture
def mongo_commands(settings):
    """Count the commands the service sends to MongoDB (round trips) during the test."""
    with counting_commands(warm_up=repository.collection) as counter:
        yield counter


def clear_outbox(order_id: str) -> None:
    """Empty an order's outbox as the relay would after confirmed sends, so a test sees exactly what the
    next change writes."""
    outbox = repository.outbox()
    outbox.delivered([message for message in outbox.pending(1000) if message.ref == order_id])


def saga_answers(order_id: str, *, reserved: bool = True) -> None:
    """inventory_svc's answer to the reservation, as the order worker handles it."""
    from orders import handlers
    from shared.events import make_envelope, names

    if reserved:
        envelope = make_envelope(names.ORDER_INVENTORY_RESERVED_TASK, {"order_id": order_id}, source="test")
        assert handlers.handle_inventory_reserved(envelope)
    else:
        data = {"order_id": order_id, "reason": "insufficient stock", "shortages": []}
        envelope = make_envelope(names.ORDER_INVENTORY_FAILED_TASK, data, source="test")
        assert handlers.handle_inventory_failed(envelope)


def pay_in_full(order_id: str, reference: str | None = None) -> dict:
    order = repository.get(order_id)
    rest = order["total"] - order["amount_paid"]
    paid, recorded = services.order_pay(
        order_id=order_id,
        amount=rest,
        currency=order["currency"],
        reference=reference or f"pay-{uuid.uuid4().hex[:8]}",
        method="card",
        actor="service:payments",
    )
    assert recorded
    return paid


# How the shop brings an order to each status: the saga's answer, a payment, staff's requests, a refund.
_PATHS = {
    "pending": [],
    "confirmed": ["reserved"],
    "failed": ["refused"],
    "cancelled": ["cancelled"],
    "paid": ["reserved", "pay"],
    "processing": ["reserved", "pay", "processing"],
    "shipped": ["reserved", "pay", "processing", "shipped"],
    "delivered": ["reserved", "pay", "processing", "shipped", "delivered"],
    "refunded": ["reserved", "pay", "refund"],
}


def bring_to(order_id: str, status: str) -> dict:
    for step in _PATHS[status]:
        if step in ("reserved", "refused"):
            saga_answers(order_id, reserved=step == "reserved")
        elif step == "pay":
            pay_in_full(order_id)
        elif step == "refund":
            paid = repository.get(order_id)["amount_paid"]
            services.order_refund(
                order_id=order_id, amount=paid, reason="test refund", actor="staff@example.com"
            )
        else:
            services.order_set_status(order_id=order_id, status=step, actor="staff@example.com")
    order = repository.get(order_id)
    assert order["status"] == status
    return order


@pytest.fixture
def order_in(alice, make_product):
    """``order_in(status, quantity=1, price="19.99")``: an order of alice's, placed with her email and
    brought to ``status`` the way the shop does it."""

    def make(status, quantity=1, price="19.99"):
        product = make_product(price=price)
        order, _ = services.order_create(
            user_id=alice["id"],
            user_token=alice["token"],
            items=[{"product_id": product["id"], "quantity": quantity}],
            customer_email=alice["email"],
        )
        return bring_to(order["id"], status)

    return make


@pytest.fixture
def service_api():
    """Another service of the platform (e.g. the payment provider's side), with a service token."""
    return client_with(jwt.service_token("payments"))

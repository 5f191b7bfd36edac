"""Fixtures of order_svc's tests: a private MongoDB database, real users in the running user_svc, real
products in the running product_svc, and the relay drained in-process against a throwaway vhost."""

import os
import uuid

import pytest
import requests
from django.conf import settings as django_settings

from orders import repository
from orders.relay import build_relay
from shared import mongo
from shared.testing import jwt
from shared.testing.fixtures import api, client_with, staff_browser  # noqa: F401  (fixture)
from shared.testing.mongo import counting_commands
from shared.testing.rabbitmq import create_vhost, delete_vhost

TEST_DB = f"test_order_{uuid.uuid4().hex[:8]}"
MANAGEMENT_PORT = int(os.environ.get("RABBITMQ_MANAGEMENT_PORT", "15672"))
PASSWORD = "a-Long-and-unusual-passphrase-42"


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


def outbox_of(order_id: str) -> list[dict]:
    """The saga commands waiting in an order's outbox: ``[(task, queue, data)]``."""
    import json

    document = repository.collection().find_one({"_id": order_id})
    return [(e["key"], e["topic"], json.loads(e["value"])["data"]) for e in document.get("outbox", [])]


@pytest.fixture
def mongo_commands(settings):
    """Count the commands the service sends to MongoDB (round trips) during the test."""
    with counting_commands(warm_up=repository.collection) as counter:
        yield counter

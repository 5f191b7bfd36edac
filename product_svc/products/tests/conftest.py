import uuid

import pytest
from django.conf import settings as django_settings

from products import repository
from products.cache import invalidate
from products.relay import build_relay
from shared import mongo
from shared.events.names import PRODUCT_EVENTS_TOPIC
from shared.events.scope import isolated
from shared.testing.fixtures import (  # noqa: F401  (fixtures)
    api,
    customer_api,
    service_api,
    staff_api,
    staff_browser,
)
from shared.testing.kafka import scoped_topics
from shared.testing.mongo import counting_commands

TEST_DB = f"test_product_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session", autouse=True)
def _messaging_scope():
    """Product events go to a topic no running process reads (shared.events.scope)."""
    with isolated(), scoped_topics(django_settings.KAFKA_BOOTSTRAP_SERVERS, PRODUCT_EVENTS_TOPIC):
        yield


@pytest.fixture(autouse=True)
def catalog(settings):
    """A private MongoDB database, empty at the start of every test."""
    settings.MONGO_DB = TEST_DB
    database = mongo.get_database()
    for name in database.list_collection_names():
        database[name].delete_many({})
    invalidate()
    return database


@pytest.fixture(scope="session", autouse=True)
def _drop_test_database():
    yield
    mongo.get_client().drop_database(TEST_DB)


@pytest.fixture
def make_product(staff_api):
    def make(**fields):
        body = {
            "sku": f"SKU-{uuid.uuid4().hex[:8]}",
            "name": "Mug",
            "category": "kitchen",
            "price": "9.99",
            **fields,
        }
        response = staff_api.post("/api/v1/products/", body, format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    return make


@pytest.fixture
def drain():
    """Run the real relay until the outbox is empty; return how many events it sent."""

    def run():
        relay = build_relay()
        sent = 0
        for _ in range(100):  # bounded: a store that never drains fails the test instead of hanging it
            batch = relay.run_once()
            if not batch:
                return sent
            sent += batch
        raise AssertionError("the outbox did not drain")

    return run


@pytest.fixture
def mongo_commands(settings):
    """Count the commands the service sends to MongoDB (round trips) during the test."""
    with counting_commands(warm_up=repository.collection) as counter:
        yield counter

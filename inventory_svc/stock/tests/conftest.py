import uuid

import pytest
from django.conf import settings as django_settings

from shared.testing import jwt
from shared.testing.fixtures import (  # noqa: F401  (fixtures)
    api,
    client_with,
    customer_api,
    service_api,
    staff_api,
    staff_browser,
)
from shared.testing.kafka import create_topic, delete_topic
from stock import services


@pytest.fixture(scope="session")
def inventory_events_topic():
    topic = create_topic(django_settings.KAFKA_BOOTSTRAP_SERVERS, prefix="test.inventory.events")
    yield topic
    delete_topic(django_settings.KAFKA_BOOTSTRAP_SERVERS, topic)


@pytest.fixture(autouse=True)
def _private_destinations(settings, inventory_events_topic):
    """Messages of a test go to names no running process reads."""
    suffix = uuid.uuid4().hex[:8]
    settings.INVENTORY_EVENTS_TOPIC = inventory_events_topic
    settings.LOW_STOCK_CHANNEL = f"test:low-stock:{suffix}"
    settings.LOW_STOCK_STREAM = f"test:low-stock:stream:{suffix}"


@pytest.fixture
def make_item(db):
    def make(quantity=10, reorder_threshold=None, product_id=None, sku=None, name=""):
        product_id = product_id or f"p-{uuid.uuid4().hex[:10]}"
        return services.item_create(
            product_id=product_id,
            product_name=name,
            sku=sku or product_id.upper(),
            quantity=quantity,
            reorder_threshold=reorder_threshold,
        )

    return make


@pytest.fixture
def api_for():
    tokens = {
        None: None,
        "customer": jwt.access_token(is_staff=False),
        "staff": jwt.access_token(is_staff=True),
        "service": jwt.service_token("order"),
    }
    return lambda kind: client_with(tokens[kind])

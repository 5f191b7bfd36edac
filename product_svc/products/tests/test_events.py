"""Each catalog write yields exactly one event on Kafka, with the contract's envelope, through the
embedded outbox and the relay."""

import pytest
from django.conf import settings

from shared.events import PRODUCT_CREATED, PRODUCT_DELETED, PRODUCT_UPDATED
from shared.events.names import PRODUCT_EVENTS_TOPIC
from shared.testing.kafka import read_all

pytestmark = pytest.mark.django_db
URL = "/api/v1/products/"


def _events():
    return read_all(settings.KAFKA_BOOTSTRAP_SERVERS, PRODUCT_EVENTS_TOPIC, expect=0, timeout=6)


def _for(product_id, events):
    return [envelope for key, envelope in events if envelope["data"]["product_id"] == product_id]


def test_create_update_delete_each_publish_exactly_one_event(staff_api, make_product, drain):
    product = make_product(sku="EV-1", name="Mug", category="kitchen", price="12.50", initial_stock=40)
    staff_api.patch(f"{URL}{product['id']}", {"price": "11.00", "name": "Mug"}, format="json")
    staff_api.delete(f"{URL}{product['id']}")

    assert drain() == 3

    events = _for(product["id"], _events())
    assert [e["event_type"] for e in events] == [PRODUCT_CREATED, PRODUCT_UPDATED, PRODUCT_DELETED]
    created, updated, deleted = events
    assert created["data"] == {
        "product_id": product["id"],
        "sku": "EV-1",
        "name": "Mug",
        "category": "kitchen",
        "price": "12.50",
        "currency": "USD",
        "initial_stock": 40,
    }
    # Only what changed (the name was sent unchanged).
    assert updated["data"] == {"product_id": product["id"], "price": "11.00"}
    assert deleted["data"] == {"product_id": product["id"]}
    for envelope in events:
        assert envelope["event_version"] == 1
        assert envelope["source"] == "product_svc"
        assert envelope["correlation_id"]
    assert len({e["event_id"] for e in events}) == 3


def test_events_are_keyed_by_product_id(make_product, drain):
    product = make_product()
    drain()

    keys = [key for key, envelope in _events() if envelope["data"]["product_id"] == product["id"]]

    assert keys == [product["id"]]


def test_a_write_that_changes_nothing_publishes_nothing(staff_api, make_product, drain):
    product = make_product(name="Same")
    drain()

    staff_api.patch(f"{URL}{product['id']}", {"name": "Same"}, format="json")

    assert drain() == 0


def test_the_request_id_becomes_the_correlation_id(staff_api, drain):
    response = staff_api.post(
        URL,
        {"sku": "CORR-1", "name": "x", "category": "c", "price": "1.00"},
        format="json",
        HTTP_X_REQUEST_ID="req-corr-1",
    )
    drain()

    (event,) = _for(response.json()["id"], _events())
    assert event["correlation_id"] == "req-corr-1"


def test_a_deleted_product_leaves_the_database_once_its_event_is_out(staff_api, make_product, drain, catalog):
    product = make_product(sku="GONE-1")
    staff_api.delete(f"{URL}{product['id']}")
    assert catalog["products"].count_documents({"_id": product["id"]}) == 1

    drain()

    assert catalog["products"].count_documents({"_id": product["id"]}) == 0
    again = staff_api.post(
        URL, {"sku": "GONE-1", "name": "x", "category": "c", "price": "1.00"}, format="json"
    )
    assert again.status_code == 201

"""Low-stock alerts: edge-triggered, one per crossing, delivered to Redis by the relay."""

import json

import pytest
import redis
from django.conf import settings

from shared.events import names
from shared.events.scope import scoped
from shared.messaging.pg_outbox.models import OutboxMessage
from stock import services
from stock.relay import build_relay

pytestmark = pytest.mark.django_db


def _alerts():
    return [m for m in OutboxMessage.objects.filter(kind=OutboxMessage.Kind.REDIS).order_by("id")]


def _line(item, quantity):
    return [{"product_id": item.product_id, "quantity": quantity}]


def test_one_alert_per_crossing_and_rearmed_when_stock_rises_above(make_item):
    item = make_item(quantity=20, reorder_threshold=5)

    services.stock_reserve(order_id="a", items=_line(item, 14))  # available 6: above
    assert _alerts() == []
    services.stock_reserve(order_id="b", items=_line(item, 1))  # 5: at the threshold -> alert
    services.stock_reserve(order_id="c", items=_line(item, 1))  # 4: still below, no new alert
    assert len(_alerts()) == 1
    services.stock_release(order_id="b")
    services.stock_release(order_id="c")  # 6: above again, re-armed
    assert len(_alerts()) == 1
    services.stock_reserve(order_id="d", items=_line(item, 2))  # 4: a new crossing
    alerts = _alerts()

    assert len(alerts) == 2
    assert [a.payload["data"]["available"] for a in alerts] == [5, 4]
    assert alerts[0].payload["event_type"] == names.INVENTORY_LOW_STOCK
    assert alerts[0].payload["data"] == {
        "product_id": item.product_id,
        "sku": item.sku,
        "available": 5,
        "reorder_threshold": 5,
    }


def test_an_adjustment_can_cross_too(make_item, staff_api):
    item = make_item(quantity=20, reorder_threshold=5)

    response = staff_api.patch(
        f"/api/v1/inventory/{item.id}", {"quantity": 3, "reason": "breakage"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["is_low_stock"] is True
    assert len(_alerts()) == 1


def test_the_relay_publishes_the_alert_once_on_the_channel_and_the_stream(make_item):
    client = redis.Redis.from_url(settings.REDIS_URL)
    stream = scoped(names.LOW_STOCK_STREAM)
    client.delete(stream)  # no earlier test's alert
    subscriber = client.pubsub(ignore_subscribe_messages=True)
    subscriber.subscribe(scoped(names.LOW_STOCK_CHANNEL))
    subscriber.get_message(timeout=1)
    item = make_item(quantity=10, reorder_threshold=5)
    services.stock_reserve(order_id="x", items=_line(item, 6))
    try:
        relay = build_relay()
        while relay.run_once():
            pass
        entries = client.xrange(stream)
        published = subscriber.get_message(timeout=5)
    finally:
        subscriber.close()
        client.delete(stream)

    assert len(entries) == 1
    envelope = json.loads(entries[0][1][b"envelope"])
    assert envelope["data"]["available"] == 4
    assert json.loads(published["data"])["event_id"] == envelope["event_id"]
    assert not OutboxMessage.objects.exists()

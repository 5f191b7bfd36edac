"""The staff alerts websocket, through the real ASGI application and the Redis channel layer."""

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async

from notifications.alerts import alert_staff
from notifications.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED
from notifications.handlers import handle_low_stock
from notifications.tests.factories import low_stock_event
from notifications.tests.sockets import run, socket
from shared.testing import jwt

# The consumer framework checks database connections on connect and disconnect, from a worker thread.
pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("header", [False, True], ids=["query-token", "authorization-header"])
def test_a_staff_socket_receives_each_low_stock_alert(admins, header):
    event = low_stock_event(sku="MUG-9", available=1, reorder_threshold=4)

    async def scenario():
        staff = socket(jwt.access_token(is_staff=True), header=header)
        connected, _ = await staff.connect()
        assert connected
        await database_sync_to_async(handle_low_stock)(event)
        alert = await staff.receive_json_from(timeout=5)
        await database_sync_to_async(handle_low_stock)(event)  # a redelivery alerts nobody again
        again = await staff.receive_nothing(timeout=0.5)
        await staff.disconnect()
        return alert, again

    alert, nothing_more = run(scenario)

    assert alert == {
        "event_id": event.event_id,
        "event_type": "inventory.low_stock",
        "occurred_at": event.occurred_at,
        "data": {
            "product_id": event.data["product_id"],
            "sku": "MUG-9",
            "available": 1,
            "reorder_threshold": 4,
        },
    }
    assert nothing_more


def test_every_connected_staff_socket_gets_the_alert():
    event = low_stock_event()

    async def scenario():
        sockets = [socket(jwt.access_token(is_staff=True)) for _ in range(2)]
        for each in sockets:
            assert (await each.connect())[0]
        assert await asyncio.to_thread(alert_staff, event)
        alerts = [await each.receive_json_from(timeout=5) for each in sockets]
        for each in sockets:
            await each.disconnect()
        return alerts

    assert [alert["event_id"] for alert in run(scenario)] == [event.event_id] * 2


@pytest.mark.parametrize(
    ("make_token", "code"),
    [
        pytest.param(lambda: None, CLOSE_UNAUTHENTICATED, id="no-token"),
        pytest.param(lambda: "not-a-jwt", CLOSE_UNAUTHENTICATED, id="garbage"),
        pytest.param(lambda: jwt.access_token(is_staff=False), CLOSE_FORBIDDEN, id="customer"),
        pytest.param(lambda: jwt.service_token("order"), CLOSE_FORBIDDEN, id="service"),
        pytest.param(
            lambda: jwt.tampered_token(jwt.access_token(is_staff=False), is_staff=True),
            CLOSE_UNAUTHENTICATED,
            id="forged-staff-claim",
        ),
        pytest.param(
            lambda: jwt.foreign_key_token(is_staff=True, user_id="u"), CLOSE_UNAUTHENTICATED, id="foreign-key"
        ),
        pytest.param(
            lambda: jwt.unsigned_token(is_staff=True, user_id="u"), CLOSE_UNAUTHENTICATED, id="alg-none"
        ),
        pytest.param(
            lambda: jwt.access_token(is_staff=True, lifetime=timedelta(seconds=-60)),
            CLOSE_UNAUTHENTICATED,
            id="expired",
        ),
        pytest.param(
            lambda: jwt.sign(jwt.claims(token_type="refresh", user_id="u", is_staff=True)),
            CLOSE_UNAUTHENTICATED,
            id="refresh-token",
        ),
    ],
)
@pytest.mark.parametrize("header", [False, True], ids=["query", "header"])
def test_sockets_without_a_valid_staff_token_are_closed_with_a_readable_code(make_token, code, header):
    async def scenario():
        refused = socket(make_token(), header=header)
        await refused.connect()
        closed = await refused.receive_output(timeout=3)
        # The consumer's read of the Redis channel layer ends within seconds; not worth waiting for here.
        await refused.disconnect(timeout=0.2)
        return closed

    assert run(scenario) == {"type": "websocket.close", "code": code}


def test_a_staff_socket_is_closed_when_its_token_expires():
    async def scenario():
        staff = socket(jwt.access_token(is_staff=True, lifetime=timedelta(seconds=1)))
        assert (await staff.connect())[0]
        closed = await staff.receive_output(timeout=5)
        await staff.disconnect(timeout=0.2)
        return closed

    assert run(scenario) == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}


def test_other_websocket_paths_are_not_served():
    async def scenario():
        stray = socket(jwt.access_token(is_staff=True), path="/ws/other/")
        with pytest.raises(ValueError, match="No route found"):
            await stray.connect()

    run(scenario)

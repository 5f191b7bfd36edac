"""The order API against the real MongoDB (FerretDB) and the running user_svc and product_svc."""

import uuid
from decimal import Decimal

import pytest
import requests
from django.conf import settings as django_settings

from orders import repository, services
from orders.tests.conftest import clear_outbox, login, outbox_of, register_user, saga_answers
from shared.events import names
from shared.testing.fixtures import client_with
from shared.testing.jwt import access_token


def test_create_snapshots_prices_merges_lines_and_stores_the_reserve_command(alice, make_product):
    # given two products and a real login token
    mug, pot = make_product(price="9.99"), make_product(price="19.99")
    api = client_with(login(alice["email"]))

    # when ordering the mug twice (to be merged) and the pot once
    response = api.post(
        "/api/v1/orders/",
        {"items": [{"product_id": mug["id"], "quantity": 2}, {"product_id": pot["id"], "quantity": 1},
                   {"product_id": mug["id"], "quantity": 1}]},
        format="json",
    )  # fmt: skip

    # then one pending order with exact money and the reserve command in its outbox
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["status"] == "pending"
    assert order["user_id"] == alice["id"]
    lines = [
        (line["product_id"], line["quantity"], line["unit_price"], line["line_total"])
        for line in order["items"]
    ]
    assert lines == [
        (mug["id"], 3, "9.99", "29.97"),
        (pot["id"], 1, "19.99", "19.99"),
    ]  # fmt: skip
    assert order["total"] == "49.96"
    assert order["items"][0]["sku"] == mug["sku"]
    assert order["currency"] == "USD"
    assert [entry["status"] for entry in order["status_history"]] == ["pending"]
    assert outbox_of(order["id"]) == [
        (names.RESERVE_STOCK_TASK, names.ORDER_CREATED_QUEUE,
         {"order_id": order["id"], "items": [{"product_id": mug["id"], "quantity": 3},
                                             {"product_id": pot["id"], "quantity": 1}]}),
    ]  # fmt: skip


def test_the_order_keeps_the_customers_email_from_the_token(alice, alice_api, make_product, orders_db):
    # given an order placed with alice's token (its email claim)
    order = alice_api.post(
        "/api/v1/orders/", {"items": [{"product_id": make_product()["id"], "quantity": 1}]}, format="json"
    ).json()

    # when the order is read back, and once more as an order stored before emails were kept
    kept = alice_api.get(f"/api/v1/orders/{order['id']}").json()
    orders_db["orders"].update_one({"_id": order["id"]}, {"$unset": {"customer_email": ""}})
    older = alice_api.get(f"/api/v1/orders/{order['id']}").json()

    # then the email is the token's, and null for the older order
    assert order["customer_email"] == kept["customer_email"] == alice["email"]
    assert older["customer_email"] is None


def test_unknown_or_inactive_product_is_400(alice_api, make_product):
    hidden = make_product(is_active=False)

    unknown = alice_api.post(
        "/api/v1/orders/", {"items": [{"product_id": str(uuid.uuid4()), "quantity": 1}]}, format="json"
    )
    inactive = alice_api.post(
        "/api/v1/orders/", {"items": [{"product_id": hidden["id"], "quantity": 1}]}, format="json"
    )

    assert unknown.status_code == 400
    assert "Unknown product" in unknown.json()["items"][0]
    assert inactive.status_code == 400
    assert "not available" in inactive.json()["items"][0]


def test_quantities_and_line_counts_are_bounded(alice_api, make_product):
    product = make_product()
    line = {"product_id": product["id"], "quantity": 1}

    cases = [
        {"items": [{**line, "quantity": 0}]},
        {"items": [{**line, "quantity": 1001}]},
        {"items": [{**line, "quantity": 600}, {**line, "quantity": 401}]},  # merged: 1001
        {"items": [{"product_id": f"p-{i}", "quantity": 1} for i in range(101)]},
        {"items": []},
        {"items": [{"product_id": {"$ne": None}, "quantity": 1}]},
    ]
    for body in cases:
        response = alice_api.post("/api/v1/orders/", body, format="json")
        assert response.status_code == 400, (body, response.json())
        assert "items" in response.json()


def test_an_unknown_account_is_refused(make_product):
    stranger = client_with(access_token(user_id=str(uuid.uuid4())))

    response = stranger.post(
        "/api/v1/orders/", {"items": [{"product_id": make_product()["id"], "quantity": 1}]}, format="json"
    )

    assert response.status_code == 403


def test_the_shipping_address_is_resolved_from_the_callers_addresses(alice, bob, alice_api, make_product):
    address = requests.post(
        f"{django_settings.USER_SERVICE_URL}/api/v1/users/me/addresses",
        json={"label": "home", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345",
              "country": "US"},
        headers={"Authorization": f"Bearer {alice['token']}"},
        timeout=10,
    )  # fmt: skip
    assert address.status_code == 201, address.text
    product = make_product()
    items = [{"product_id": product["id"], "quantity": 1}]

    mine = alice_api.post(
        "/api/v1/orders/", {"items": items, "shipping_address_id": address.json()["id"]}, format="json"
    )
    theirs = client_with(bob["token"]).post(
        "/api/v1/orders/", {"items": items, "shipping_address_id": address.json()["id"]}, format="json"
    )

    assert mine.status_code == 201, mine.json()
    assert mine.json()["shipping_address"]["line1"] == "1 Main St"
    assert theirs.status_code == 400
    assert "shipping_address_id" in theirs.json()


def test_another_users_order_is_404_and_lists_are_own_only(
    alice, alice_api, bob_api, staff_api, make_product
):
    product = make_product()
    order = alice_api.post(
        "/api/v1/orders/", {"items": [{"product_id": product["id"], "quantity": 1}]}, format="json"
    ).json()

    assert bob_api.get(f"/api/v1/orders/{order['id']}").status_code == 404
    assert bob_api.delete(f"/api/v1/orders/{order['id']}").status_code == 404
    assert bob_api.get("/api/v1/orders/").json()["count"] == 0
    assert bob_api.get(f"/api/v1/orders/user/{alice['id']}").status_code == 403
    assert alice_api.get(f"/api/v1/orders/{order['id']}").json()["id"] == order["id"]
    assert alice_api.get(f"/api/v1/orders/user/{alice['id']}").json()["count"] == 1
    assert staff_api.get(f"/api/v1/orders/{order['id']}").status_code == 200
    listed = staff_api.get(f"/api/v1/orders/?user_id={alice['id']}&status=pending").json()
    assert [o["id"] for o in listed["results"]] == [order["id"]]
    assert staff_api.get("/api/v1/orders/?status=confirmed").json()["count"] == 0
    assert staff_api.get("/api/v1/orders/?status=bogus").status_code == 400


def test_a_retried_post_with_the_same_idempotency_key_creates_one_order(alice_api, make_product, orders_db):
    product = make_product()
    body = {"items": [{"product_id": product["id"], "quantity": 2}]}

    first = alice_api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-123")
    again = alice_api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-123")
    other = alice_api.post(
        "/api/v1/orders/", {"items": [{"product_id": product["id"], "quantity": 3}]}, format="json",
        HTTP_IDEMPOTENCY_KEY="k-123",
    )  # fmt: skip

    assert first.status_code == 201 and again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert orders_db["orders"].count_documents({}) == 1
    assert other.status_code == 409


def test_a_retry_finds_the_first_order_by_id_alone(alice_api, make_product, mongo_commands):
    # The gateway gives every order POST a key; FerretDB reads every order for a lookup by any other field.
    body = {"items": [{"product_id": make_product()["id"], "quantity": 1}]}
    first = alice_api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="by-id")
    mongo_commands.clear()

    again = alice_api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="by-id")

    assert again.json()["id"] == first.json()["id"]
    assert mongo_commands.filters("find", repository.COLLECTION) == [{"_id": first.json()["id"]}]


def test_a_racing_retry_that_loses_the_insert_gets_the_first_order(alice, make_product):
    body = {"user_id": alice["id"], "user_token": alice["token"], "idempotency_key": "race"}
    items = [{"product_id": make_product()["id"], "quantity": 1}]
    first, created = services.order_create(items=items, **body)
    stored = repository.collection().find_one({"_id": first["id"]})

    with pytest.raises(repository.IdempotencyKeyTaken) as taken:
        repository.insert(stored, outbox_entries=[])

    assert created is True
    assert taken.value.existing["id"] == first["id"]


def test_the_same_idempotency_key_of_two_users_makes_two_orders(alice_api, bob_api, make_product, orders_db):
    body = {"items": [{"product_id": make_product()["id"], "quantity": 1}]}

    a = alice_api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    b = bob_api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")

    assert a.json()["id"] != b.json()["id"]


def test_cancel_stores_the_release_command_and_invalid_transitions_are_409(
    alice_api, staff_api, make_product
):
    order = alice_api.post(
        "/api/v1/orders/", {"items": [{"product_id": make_product()["id"], "quantity": 1}]}, format="json"
    ).json()

    jump = staff_api.put(f"/api/v1/orders/{order['id']}/status", {"status": "delivered"}, format="json")
    cancelled = alice_api.delete(f"/api/v1/orders/{order['id']}")
    again = alice_api.delete(f"/api/v1/orders/{order['id']}")
    revive = staff_api.put(f"/api/v1/orders/{order['id']}/status", {"status": "confirmed"}, format="json")

    assert jump.status_code == 409
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert [h["status"] for h in cancelled.json()["status_history"]] == ["pending", "cancelled"]
    assert again.status_code == 409
    assert revive.status_code == 409
    assert outbox_of(order["id"])[-1] == (
        names.RELEASE_STOCK_TASK,
        names.INVENTORY_RELEASE_QUEUE,
        {"order_id": order["id"]},
    )


def test_staff_moves_an_order_along_and_customers_cannot(alice_api, staff_api, service_api, make_product):
    # given alice's order, confirmed by the saga and paid by the payment side
    order = alice_api.post(
        "/api/v1/orders/", {"items": [{"product_id": make_product()["id"], "quantity": 1}]}, format="json"
    ).json()
    saga_answers(order["id"])
    payment = {"amount": order["total"], "currency": "USD", "reference": f"psp-{order['id']}"}
    assert (
        service_api.post(f"/api/v1/orders/{order['id']}/payments", payment, format="json").status_code == 201
    )
    url = f"/api/v1/orders/{order['id']}/status"

    # when staff take it through fulfilment (a customer may not)
    assert alice_api.put(url, {"status": "processing"}, format="json").status_code == 403
    for status in ("processing", "shipped", "delivered"):
        response = staff_api.put(url, {"status": status, "reason": f"to {status}"}, format="json")
        assert response.status_code == 200, response.json()

    # then a delivered order can be neither cancelled nor moved back
    assert staff_api.put(url, {"status": "cancelled"}, format="json").status_code == 409
    assert staff_api.put(url, {"status": "shipped"}, format="json").status_code == 409
    assert alice_api.delete(f"/api/v1/orders/{order['id']}").status_code == 409
    history = alice_api.get(f"/api/v1/orders/{order['id']}").json()["status_history"]
    assert [h["status"] for h in history] == [
        "pending",
        "confirmed",
        "paid",
        "processing",
        "shipped",
        "delivered",
    ]
    assert history[-1]["reason"] == "to delivered"
    assert "actor" not in history[-1]


def test_a_status_request_refuses_what_the_saga_payments_and_refunds_set(order_in, staff_api):
    # given a confirmed order and a paid one
    confirmed, paid = order_in("confirmed"), order_in("paid")

    # when staff ask for the statuses only the saga, a payment or a refund sets
    asked = {
        status: staff_api.put(f"/api/v1/orders/{order['id']}/status", {"status": status}, format="json")
        for status, order in (("confirmed", confirmed), ("failed", confirmed), ("paid", confirmed),
                              ("refunded", paid))
    }  # fmt: skip

    # then each is 409 naming what sets it instead, and nothing changed
    assert {status: response.status_code for status, response in asked.items()} == dict.fromkeys(asked, 409)
    assert "only inventory's answer to the reservation (the saga) does" in asked["confirmed"].json()["detail"]
    assert "only inventory's answer to the reservation (the saga) does" in asked["failed"].json()["detail"]
    assert "only a payment (POST /api/v1/orders/{id}/payments) does" in asked["paid"].json()["detail"]
    assert "only a refund (POST /api/v1/orders/{id}/refunds) does" in asked["refunded"].json()["detail"]
    assert repository.get(confirmed["id"])["status"] == "confirmed"
    assert repository.get(paid["id"])["status"] == "paid"


def test_a_status_that_is_no_status_is_400_and_an_unknown_order_404(order_in, staff_api):
    order = order_in("paid")

    bogus = staff_api.put(f"/api/v1/orders/{order['id']}/status", {"status": "lost"}, format="json")
    listed = staff_api.put(f"/api/v1/orders/{order['id']}/status", ["paid"], format="json")
    unknown = staff_api.put("/api/v1/orders/no-such-order/status", {"status": "paid"}, format="json")

    assert bogus.status_code == 400 and "status" in bogus.json()
    assert listed.status_code == 400
    assert unknown.status_code == 404


@pytest.mark.parametrize("current", ["paid", "processing"])
def test_deleting_a_paid_order_is_409_saying_it_is_refunded_instead(order_in, alice_api, staff_api, current):
    order = order_in(current)

    by_owner = alice_api.delete(f"/api/v1/orders/{order['id']}")
    by_staff = staff_api.delete(f"/api/v1/orders/{order['id']}")

    assert by_owner.status_code == by_staff.status_code == 409
    assert "A paid order is not cancelled but refunded" in by_owner.json()["detail"]
    assert repository.get(order["id"])["status"] == current


def test_the_owner_cancels_a_confirmed_order_and_its_stock_is_released(order_in, alice_api):
    order = order_in("confirmed")
    clear_outbox(order["id"])

    response = alice_api.delete(f"/api/v1/orders/{order['id']}")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert response.json()["status_history"][-1]["reason"] == "cancelled by customer"
    assert outbox_of(order["id"]) == [
        (names.RELEASE_STOCK_TASK, names.INVENTORY_RELEASE_QUEUE, {"order_id": order["id"]})
    ]


def test_a_dependency_that_is_down_gives_503(alice_api, settings):
    settings.PRODUCT_SERVICE_URL = "http://127.0.0.1:9"  # nothing listens there

    response = alice_api.post(
        "/api/v1/orders/", {"items": [{"product_id": str(uuid.uuid4()), "quantity": 1}]}, format="json"
    )

    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The product service is unavailable: retry shortly.",
        "dependency": "product",
    }


def test_without_a_token_nothing_is_served(api):
    assert api.get("/api/v1/orders/").status_code == 401
    assert api.post("/api/v1/orders/", {}, format="json").status_code == 401


def test_the_list_costs_two_round_trips(alice_api, make_product, mongo_commands):
    product = make_product()
    for _ in range(3):
        alice_api.post(
            "/api/v1/orders/", {"items": [{"product_id": product["id"], "quantity": 1}]}, format="json"
        )
    mongo_commands.names.clear()

    response = alice_api.get("/api/v1/orders/?limit=2")

    assert response.json()["count"] == 3 and len(response.json()["results"]) == 2
    assert mongo_commands.names == ["aggregate", "find"]  # count_documents is an aggregate


def test_total_is_exact_for_prices_floats_would_round(alice_api, make_product):
    product = make_product(price="0.10")

    order = alice_api.post(
        "/api/v1/orders/", {"items": [{"product_id": product["id"], "quantity": 3}]}, format="json"
    ).json()

    assert Decimal(order["total"]) == Decimal("0.30")


def test_a_fresh_user_from_registration_can_order(make_product):
    user = register_user()
    api = client_with(user["token"])

    response = api.post(
        "/api/v1/orders/", {"items": [{"product_id": make_product()["id"], "quantity": 1}]}, format="json"
    )

    assert response.status_code == 201

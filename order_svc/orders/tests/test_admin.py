"""The staff console's order pages (orders.admin), against the real FerretDB, RabbitMQ (a throwaway vhost)
and the running user_svc and product_svc."""

from datetime import timedelta

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib import admin

from orders import handlers, repository, services
from orders.admin import OrderAdmin
from orders.tests.conftest import clear_outbox, outbox_of, pay_in_full, statuses_announced
from shared.admin.repository import Invalid
from shared.celery import saga_queue
from shared.events import make_envelope, names
from shared.testing.fixtures import staff_browser_client

LIST = "/admin/orders/order/"
_RELEASE = (names.RELEASE_STOCK_TASK, names.INVENTORY_RELEASE_QUEUE)


def _page(order_id):
    return f"{LIST}{order_id}/change/"


def _act(browser, order_id, action, reason=""):
    return browser.post(f"{LIST}{order_id}/action/{action}/", {"reason": reason}, follow=True)


def _place(api, product, quantity=1):
    response = api.post(
        "/api/v1/orders/", {"items": [{"product_id": product["id"], "quantity": quantity}]}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _confirm(order_id):
    """The saga's answer, as the order worker handles it."""
    data = {"order_id": order_id}
    assert handlers.handle_inventory_reserved(
        make_envelope(names.ORDER_INVENTORY_RESERVED_TASK, data, source="inventory_svc")
    )


def _address(user):
    """A real address of ``user`` in the running user_svc."""
    response = requests.post(
        f"{django_settings.USER_SERVICE_URL}/api/v1/users/me/addresses",
        json={"label": "home", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345",
              "country": "US"},
        headers={"Authorization": f"Bearer {user['token']}"},
        timeout=10,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return response.json()


def _take(broker_url, queue, count):
    """Take ``count`` messages off a saga queue of the tests' vhost: ``[(task, order_id)]``. Leaves the
    queue as the other modules expect it (test_relay reads the first message it finds)."""
    from config.celery import app

    with (
        app.connection_for_write(broker_url) as connection,
        connection.SimpleQueue(saga_queue(queue), no_ack=True) as simple,
    ):
        messages = [simple.get(timeout=10) for _ in range(count)]
    return [(message.headers["task"], message.decode()[1]["data"]["order_id"]) for message in messages]


def _listed(browser, **params):
    response = browser.get(LIST, params)
    assert response.status_code == 200
    return [row["id"] for row in response.context["rows"]]


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def test_the_list_shows_orders_newest_first_with_customer_total_items_and_date(
    staff_browser, alice, alice_api, make_product
):
    # given two orders of alice, the second newer
    product = make_product(price="19.99")
    first, second = _place(alice_api, product, 2), _place(alice_api, product, 1)

    # when staff open the list
    response = staff_browser.get(LIST)

    # then both are there, newest first, each with its short id, customer email, total, item count
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["id"] for row in rows] == [second["id"], first["id"]]
    assert rows[1]["cells"][:5] == [first["id"][:8], alice["email"], "pending", "39.98 USD", 2]
    assert rows[1]["cells"][5] == f"{repository.get(first['id'])['created_at']:%Y-%m-%d %H:%M:%S}"
    assert _listed(staff_browser, o="oldest") == [first["id"], second["id"]]


def test_an_order_without_a_customer_email_shows_the_user_id(staff_browser, alice, make_product):
    # given an order stored before emails were kept
    items = [{"product_id": make_product()["id"], "quantity": 1}]
    order, _ = services.order_create(user_id=alice["id"], user_token=alice["token"], items=items)

    response = staff_browser.get(LIST)

    assert order["customer_email"] is None
    assert response.context["rows"][0]["cells"][1] == alice["id"]


def test_the_list_filters_by_status_and_customer(staff_browser, alice, bob, alice_api, bob_api, make_product):
    product = make_product()
    alices, bobs = _place(alice_api, product), _place(bob_api, product)
    _confirm(bobs["id"])

    assert _listed(staff_browser, status="confirmed") == [bobs["id"]]
    assert _listed(staff_browser, status="pending") == [alices["id"]]
    assert _listed(staff_browser, user_id=alice["id"]) == [alices["id"]]
    assert _listed(staff_browser, user_id=bob["id"], status="pending") == []


def test_the_list_filters_by_creation_day_both_ends_included(staff_browser, alice_api, make_product):
    order = _place(alice_api, make_product())
    today = repository.get(order["id"])["created_at"].date()  # the UTC day it was stored
    yesterday, tomorrow = (today - timedelta(days=1)).isoformat(), (today + timedelta(days=1)).isoformat()

    assert _listed(staff_browser, created_from=today, created_to=today) == [order["id"]]
    assert _listed(staff_browser, created_from=yesterday) == [order["id"]]
    assert _listed(staff_browser, created_to=yesterday) == []
    assert _listed(staff_browser, created_from=tomorrow) == []


def test_a_date_that_is_no_date_is_ignored_with_a_warning(staff_browser, alice_api, make_product):
    order = _place(alice_api, make_product())

    response = staff_browser.get(LIST, {"created_from": "yesterday"})

    assert [row["id"] for row in response.context["rows"]] == [order["id"]]
    assert any("not a date" in message for message in _messages(response))


def test_the_search_finds_an_order_by_the_start_of_its_id_or_by_the_customers_email(
    staff_browser, alice, bob, alice_api, bob_api, make_product
):
    product = make_product()
    alices, bobs = _place(alice_api, product), _place(bob_api, product)

    assert _listed(staff_browser, q=alices["id"][:8]) == [alices["id"]]
    assert _listed(staff_browser, q=bobs["id"].upper()) == [bobs["id"]]
    assert _listed(staff_browser, q=bob["email"].split("@")[0].upper()) == [bobs["id"]]
    assert _listed(staff_browser, q=alice["email"], status="cancelled") == []
    assert _listed(staff_browser, q=".*") == []  # user text is matched literally


def test_the_list_costs_two_round_trips_whatever_the_filters(
    staff_browser, alice_api, make_product, mongo_commands
):
    product = make_product()
    for _ in range(3):
        _place(alice_api, product)
    mongo_commands.names.clear()

    response = staff_browser.get(LIST, {"q": "order-", "status": "pending", "created_from": "2020-01-01"})

    assert response.context["total"] == 3
    assert mongo_commands.names == ["aggregate", "find"]  # count_documents is an aggregate


def test_the_order_page_shows_lines_total_and_history_with_who_did_what(
    staff_browser, alice, alice_api, make_product
):
    # given an order to alice's address, placed with an Idempotency-Key, confirmed, paid, that staff shipped
    product = make_product(price="9.99")
    address = _address(alice)
    body = {"items": [{"product_id": product["id"], "quantity": 3}], "shipping_address_id": address["id"]}
    order = alice_api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-console").json()
    _confirm(order["id"])
    pay_in_full(order["id"], reference="psp-console")
    _act(staff_browser, order["id"], "processing")
    _act(staff_browser, order["id"], "shipped", reason="parcel 42")

    # when staff open it
    response = staff_browser.get(_page(order["id"]))

    # then its facts, lines, total and history (with who made each change) are shown, and nothing to delete
    page = response.content.decode()
    assert response.status_code == 200
    facts = dict(response.context["readonly"])
    assert facts["Customer"] == alice["email"] and facts["Status"] == "shipped"
    assert facts["Total"] == "29.97 USD"
    assert facts["Shipping address"] == "home: 1 Main St, 12345 Springfield, US"
    assert facts["Idempotency-Key"] == "k-console"
    assert facts["Failure reason"] == "—"
    stored = repository.get(order["id"])
    assert facts["Created (UTC)"] == f"{stored['created_at']:%Y-%m-%d %H:%M:%S}"
    assert facts["Payment due (UTC)"] == f"{stored['payment_due_at']:%Y-%m-%d %H:%M:%S}"
    assert facts["Paid"] == "29.97 of 29.97 USD"
    lines = [
        (line["sku"], line["name"], str(line["unit_price"]), line["quantity"], str(line["line_total"]))
        for line in response.context["lines"]
    ]
    assert lines == [(product["sku"], "Teapot", "9.99", 3, "29.97")]
    assert "29.97 USD" in page and product["sku"] in page
    payments = [
        (p["reference"], str(p["amount"]), p["method"], p["actor"]) for p in response.context["payments"]
    ]
    assert payments == [("psp-console", "29.97", "card", "service:payments")]
    assert "psp-console" in page and "29.97 of 29.97 USD" in page
    history = [(h["status"], h["reason"], h["actor"]) for h in response.context["history"]]
    assert history == [
        ("pending", None, alice["email"]),
        ("confirmed", None, None),
        ("paid", "paid in full (payment psp-console)", "service:payments"),
        ("processing", None, "staff@example.com"),
        ("shipped", "parcel 42", "staff@example.com"),
    ]
    assert "parcel 42" in page and "staff@example.com" in page
    assert response.context["refunds"] == [] and "order-refunds" not in page
    assert response.context["delete_url"] is None and response.context["form"] is None


def test_a_failed_order_shows_its_reason_and_shortages_and_offers_nothing(
    staff_browser, alice_api, make_product
):
    order = _place(alice_api, make_product(), 5)
    shortage = {"product_id": order["items"][0]["product_id"], "requested": 5, "available": 1}
    handlers.handle_inventory_failed(
        make_envelope(
            names.ORDER_INVENTORY_FAILED_TASK,
            {"order_id": order["id"], "reason": "insufficient stock", "shortages": [shortage]},
            source="inventory_svc",
        )
    )

    response = staff_browser.get(_page(order["id"]))

    facts = dict(response.context["readonly"])
    assert facts["Failure reason"] == "insufficient stock"
    assert facts["Shortages"] == f"{shortage['product_id']}: 5 asked, 1 left"
    assert response.context["actions"] == []
    assert "Actions" not in response.content.decode()


def test_only_the_transitions_a_person_may_make_are_offered(staff_browser, order_in):
    # given an order in every status
    orders = {status: order_in(status) for status in services.STATUSES}

    # when staff open each
    offered = {
        status: [name for name, _, _ in staff_browser.get(_page(order["id"])).context["actions"]]
        for status, order in orders.items()
    }

    # then the buttons are the machine's moves a person makes, and the refunds of a paid order
    assert offered == {
        "pending": ["cancelled"],
        "confirmed": ["cancelled"],
        "paid": ["processing", "refund"],
        "processing": ["shipped", "refund"],
        "shipped": ["delivered"],
        "delivered": ["refund", "refund-restock"],
        "failed": [],
        "cancelled": [],
        "refunded": [],
    }
    page = staff_browser.get(_page(orders["delivered"]["id"])).content.decode()
    assert "Refund (goods kept)" in page and "Refund and restock (goods returned)" in page
    page = staff_browser.get(_page(orders["paid"]["id"])).content.decode()
    assert "Mark processing" in page and "Refund (stock released)" in page and "paid/" not in page


def test_a_status_only_the_saga_or_a_payment_sets_cannot_be_posted(staff_browser, order_in):
    pending, confirmed = order_in("pending"), order_in("confirmed")

    saga = _act(staff_browser, pending["id"], "confirmed")
    payment = _act(staff_browser, confirmed["id"], "paid")

    for response in (saga, payment):
        assert response.status_code == 200
        assert any("not possible" in message for message in _messages(response))
    assert repository.get(pending["id"])["status"] == "pending"
    assert repository.get(confirmed["id"])["status"] == "confirmed"


def test_processing_shipping_then_delivering_a_paid_order_through_the_actions(staff_browser, order_in):
    # given a paid order
    order = order_in("paid")
    clear_outbox(order["id"])

    # when staff press the buttons of fulfilment
    processing = _act(staff_browser, order["id"], "processing")
    shipped = _act(staff_browser, order["id"], "shipped", reason="handed to the carrier")
    delivered = _act(staff_browser, order["id"], "delivered")

    # then each is done through the services: shipping commits the stock, each change is announced
    assert any("is now processing" in message for message in _messages(processing))
    assert any("is now shipped" in message for message in _messages(shipped))
    assert any("is now delivered" in message for message in _messages(delivered))
    stored = repository.get(order["id"])
    assert [(h["status"], h["reason"]) for h in stored["status_history"]][-3:] == [
        ("processing", None), ("shipped", "handed to the carrier"), ("delivered", None),
    ]  # fmt: skip
    assert outbox_of(order["id"]) == [
        (names.COMMIT_STOCK_TASK, names.INVENTORY_COMMIT_QUEUE, {"order_id": order["id"]})
    ]
    assert statuses_announced(order["id"]) == [
        ("paid", "processing"), ("processing", "shipped"), ("shipped", "delivered"),
    ]  # fmt: skip
    assert [name for name, _, _ in delivered.context["actions"]] == ["refund", "refund-restock"]


def test_refunding_through_the_actions_follows_the_goods(staff_browser, order_in):
    # given a paid order, and two delivered ones (one whose goods came back)
    paid, kept, returned = order_in("paid"), order_in("delivered"), order_in("delivered")
    for order in (paid, kept, returned):
        clear_outbox(order["id"])

    # when staff refund each with the matching button
    _act(staff_browser, paid["id"], "refund", reason="out of stock at the warehouse")
    _act(staff_browser, kept["id"], "refund")
    response = _act(staff_browser, returned["id"], "refund-restock", reason="returned unopened")

    # then each is refunded in full, and the stock follows: released, left alone, restocked
    assert any("is now refunded" in message for message in _messages(response))
    refunds = {o["id"]: repository.get(o["id"])["refunds"] for o in (paid, kept, returned)}
    assert [(r["amount"], r["reason"], r["restock"], r["actor"]) for r in refunds[returned["id"]]] == [
        (returned["total"], "returned unopened", True, "staff@example.com")
    ]
    assert refunds[kept["id"]][0]["reason"] == "refunded by staff"
    assert outbox_of(paid["id"]) == [(*_RELEASE, {"order_id": paid["id"]})]
    assert outbox_of(kept["id"]) == []
    assert outbox_of(returned["id"]) == [
        (names.RESTOCK_TASK, names.INVENTORY_RESTOCK_QUEUE, {"order_id": returned["id"]})
    ]
    page = response.content.decode()
    assert "returned unopened" in page and 'id="order-refunds"' in page
    assert response.context["actions"] == []


def test_cancelling_a_confirmed_order_writes_the_release_like_the_apis_delete(
    staff_browser, alice_api, make_product, drain, broker_url
):
    # given two confirmed orders whose reserve commands went to RabbitMQ
    product = make_product()
    by_console, by_api = _place(alice_api, product), _place(alice_api, product)
    for order in (by_console, by_api):
        _confirm(order["id"])
    drain()
    _take(broker_url, names.ORDER_CREATED_QUEUE, 2)

    # when one is cancelled in the console and the other through the API
    response = _act(staff_browser, by_console["id"], "cancelled", reason="customer phoned")
    alice_api.delete(f"/api/v1/orders/{by_api['id']}")

    # then both hold the same release command, which the relay sends to inventory's queue
    assert any("is now cancelled" in message for message in _messages(response))
    release = (names.RELEASE_STOCK_TASK, names.INVENTORY_RELEASE_QUEUE)
    assert outbox_of(by_console["id"]) == [(*release, {"order_id": by_console["id"]})]
    assert outbox_of(by_api["id"]) == [(*release, {"order_id": by_api["id"]})]
    stored = repository.get(by_console["id"])
    assert stored["status_history"][-1]["reason"] == "customer phoned"
    assert stored["status_history"][-1]["actor"] == "staff@example.com"
    assert drain() == 4  # the two releases and the two cancels' events
    sent = _take(broker_url, names.INVENTORY_RELEASE_QUEUE, 2)
    assert sorted(sent) == sorted((names.RELEASE_STOCK_TASK, o["id"]) for o in (by_console, by_api))


def test_an_order_changed_meanwhile_gives_a_message_not_a_500(staff_browser, alice_api, make_product):
    # given a confirmed order, paid through the API after staff opened its page
    order = _place(alice_api, make_product())
    _confirm(order["id"])
    opened = staff_browser.get(_page(order["id"]))
    pay_in_full(order["id"])

    # when staff press "Cancel order" on the stale page
    response = _act(staff_browser, order["id"], "cancelled")

    # then they are told, and nothing changed
    assert response.status_code == 200
    assert any("not possible" in message for message in _messages(response))
    assert repository.get(order["id"])["status"] == "paid"
    # and the service's own refusal (a transition that lost the race after the page's check) is a message
    with pytest.raises(Invalid, match="changed meanwhile"):
        OrderAdmin(admin.site).run_action(opened.wsgi_request, opened.context["object"], "cancelled", "")


def test_orders_cannot_be_added_or_deleted(staff_browser, alice_api, make_product):
    order = _place(alice_api, make_product())

    assert staff_browser.get(f"{LIST}add/").status_code == 403
    assert staff_browser.post(f"{LIST}{order['id']}/delete/").status_code == 403
    assert staff_browser.get(f"{LIST}nope/change/").status_code == 404
    assert repository.get(order["id"]) is not None


def test_a_customers_cookie_is_refused(alice_api, make_product, db):
    order = _place(alice_api, make_product())
    customer = staff_browser_client(is_staff=False)

    listed = customer.get(LIST)
    acted = customer.post(f"{LIST}{order['id']}/action/cancelled/", {"reason": "mine"})

    assert listed.status_code == 302 and acted.status_code == 302
    assert repository.get(order["id"])["status"] == "pending"

"""Payments and refunds through the API (real FerretDB, the running user_svc and product_svc): a payment
makes a confirmed order paid, a refund makes a paid one refunded, and the stock follows in the outbox."""

from decimal import Decimal

import pytest

from orders import repository
from orders.tests.conftest import clear_outbox, outbox_of, statuses_announced
from shared.events import names

RELEASE = (names.RELEASE_STOCK_TASK, names.INVENTORY_RELEASE_QUEUE)
RESTOCK = (names.RESTOCK_TASK, names.INVENTORY_RESTOCK_QUEUE)


def _pay(api, order, amount=None, reference="psp-1", currency=None, **extra):
    body = {
        "amount": amount or str(order["total"]),
        "currency": currency or order["currency"],
        "reference": reference,
        **extra,
    }
    return api.post(f"/api/v1/orders/{order['id']}/payments", body, format="json")


def _refund(api, order, amount=None, reason="damaged", **extra):
    body = {"amount": amount or str(order["amount_paid"]), "reason": reason, **extra}
    return api.post(f"/api/v1/orders/{order['id']}/refunds", body, format="json")


# Payments ----------------------------------------------------------------------------------


def test_a_payment_of_the_total_makes_a_confirmed_order_paid(order_in, service_api):
    # given a confirmed order, its outbox sent
    order = order_in("confirmed", quantity=2, price="9.99")
    clear_outbox(order["id"])

    # when the payment provider's side records a payment of the total
    response = _pay(service_api, order, reference="psp-42", method="card")

    # then the order is paid in the same write, the payment listed on it, the change announced
    assert response.status_code == 201, response.json()
    paid = response.json()
    assert paid["status"] == "paid"
    assert paid["amount_paid"] == paid["total"] == "19.98"
    assert [(p["reference"], p["amount"], p["currency"], p["method"]) for p in paid["payments"]] == [
        ("psp-42", "19.98", "USD", "card")
    ]
    assert paid["status_history"][-1]["reason"] == "paid in full (payment psp-42)"
    stored = repository.collection().find_one({"_id": order["id"]})
    assert stored["payments"][0]["amount_cents"] == 1998
    assert stored["payments"][0]["actor"] == "service:payments"
    assert statuses_announced(order["id"]) == [("confirmed", "paid")]
    assert outbox_of(order["id"]) == []  # paying moves no stock


def test_partial_payments_summing_to_the_total_make_it_paid(order_in, staff_api, service_api):
    order = order_in("confirmed", price="30.00")

    first = _pay(staff_api, order, amount="10.00", reference="part-1")
    second = _pay(service_api, order, amount="20.00", reference="part-2", method="voucher")

    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    assert first.json()["amount_paid"] == "10.00"
    assert second.status_code == 201 and second.json()["status"] == "paid"
    assert [p["reference"] for p in second.json()["payments"]] == ["part-1", "part-2"]
    assert second.json()["amount_paid"] == "30.00"
    assert [h["status"] for h in second.json()["status_history"]] == ["pending", "confirmed", "paid"]


def test_the_same_reference_again_changes_nothing_and_answers_the_order(order_in, service_api):
    # given a confirmed order partly paid with reference "psp-7"
    order = order_in("confirmed", price="30.00")
    first = _pay(service_api, order, amount="10.00", reference="psp-7")
    clear_outbox(order["id"])

    # when the same payment arrives again (a retried callback), before and after the order is paid
    again = _pay(service_api, order, amount="10.00", reference="psp-7")
    _pay(service_api, order, amount="20.00", reference="psp-8")
    once_paid = _pay(service_api, order, amount="10.00", reference="psp-7")

    # then it is answered 200 with the order, and recorded once
    assert first.status_code == 201
    assert again.status_code == 200 and again.json()["amount_paid"] == "10.00"
    assert once_paid.status_code == 200 and once_paid.json()["status"] == "paid"
    assert [p["reference"] for p in repository.get(order["id"])["payments"]] == ["psp-7", "psp-8"]
    assert statuses_announced(order["id"]) == [("confirmed", "paid")]


def test_the_same_reference_for_another_payment_is_409(order_in, service_api):
    order = order_in("confirmed", price="30.00")
    _pay(service_api, order, amount="10.00", reference="psp-9")

    response = _pay(service_api, order, amount="12.00", reference="psp-9")

    assert response.status_code == 409
    assert "was recorded for a payment of 10.00 USD" in response.json()["detail"]
    assert repository.get(order["id"])["amount_paid"] == Decimal("10.00")


def test_a_payment_that_overshoots_the_unpaid_rest_is_409(order_in, service_api):
    order = order_in("confirmed", price="19.99")

    too_much = _pay(service_api, order, amount="20.00", reference="over-1")
    _pay(service_api, order, amount="15.00", reference="part")
    past_the_rest = _pay(service_api, order, amount="5.00", reference="over-2")

    assert too_much.status_code == 409
    assert too_much.json()["detail"] == "A payment of 20.00 USD overshoots the unpaid rest of 19.99 USD."
    assert past_the_rest.status_code == 409
    assert "unpaid rest of 4.99 USD" in past_the_rest.json()["detail"]
    stored = repository.get(order["id"])
    assert (stored["status"], stored["amount_paid"]) == ("confirmed", Decimal("15.00"))


def test_a_payment_in_another_currency_is_409(order_in, service_api):
    order = order_in("confirmed")

    response = _pay(service_api, order, currency="eur")

    assert response.status_code == 409
    assert response.json()["detail"] == "The order is in USD: a payment in EUR is refused."
    assert repository.get(order["id"])["payments"] == []


@pytest.mark.parametrize("current", ["pending", "cancelled", "failed", "paid"])
def test_an_order_that_is_not_confirmed_takes_no_payment(order_in, service_api, current):
    order = order_in(current)

    response = _pay(service_api, order, reference="late")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"An order in status '{current}' takes no payment: only a confirmed order is paid."
    )
    assert repository.get(order["id"])["status"] == current


def test_a_payment_body_that_is_no_payment_is_400_and_an_unknown_order_404(order_in, service_api):
    order = order_in("confirmed")
    bad = [
        {"amount": "abc", "currency": "USD", "reference": "r"},
        {"amount": "0.00", "currency": "USD", "reference": "r"},
        {"amount": "-1.00", "currency": "USD", "reference": "r"},
        {"amount": "1.001", "currency": "USD", "reference": "r"},
        {"amount": "1.00", "currency": "US", "reference": "r"},
        {"amount": "1.00", "currency": "USD", "reference": ""},
        {"amount": "1.00", "currency": "USD"},
    ]

    for body in bad:
        response = service_api.post(f"/api/v1/orders/{order['id']}/payments", body, format="json")
        assert response.status_code == 400, body
    unknown = service_api.post(
        "/api/v1/orders/no-such-order/payments",
        {"amount": "1.00", "currency": "USD", "reference": "r"},
        format="json",
    )
    assert unknown.status_code == 404
    assert repository.get(order["id"])["payments"] == []


# Refunds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("current", ["paid", "processing"])
def test_a_refund_before_shipping_releases_the_reservation(order_in, staff_api, current):
    # given a paid order not shipped yet
    order = order_in(current)
    clear_outbox(order["id"])

    # when staff refund it in full (restock is moot: the goods never left)
    response = _refund(staff_api, order, reason="customer changed their mind")

    # then it is refunded, the refund listed, the reservation released, the change announced
    assert response.status_code == 201, response.json()
    refunded = response.json()
    assert refunded["status"] == "refunded"
    assert [(r["amount"], r["reason"], r["restock"]) for r in refunded["refunds"]] == [
        ("19.99", "customer changed their mind", False)
    ]
    assert refunded["amount_paid"] == "19.99"  # the payments stay on record
    assert outbox_of(order["id"]) == [(*RELEASE, {"order_id": order["id"]})]
    assert statuses_announced(order["id"]) == [(current, "refunded")]
    stored = repository.collection().find_one({"_id": order["id"]})
    assert stored["refunds"][0]["amount_cents"] == 1999
    assert stored["refunds"][0]["actor"] == "staff@example.com"


def test_a_refund_after_delivery_restocks_only_when_the_goods_came_back(order_in, staff_api):
    returned, kept = order_in("delivered"), order_in("delivered")
    for order in (returned, kept):
        clear_outbox(order["id"])

    back = _refund(staff_api, returned, reason="returned unopened", restock=True)
    not_back = _refund(staff_api, kept, reason="arrived broken")

    assert back.status_code == not_back.status_code == 201
    assert back.json()["refunds"][0]["restock"] is True
    assert not_back.json()["refunds"][0]["restock"] is False
    assert outbox_of(returned["id"]) == [(*RESTOCK, {"order_id": returned["id"]})]
    assert outbox_of(kept["id"]) == []
    assert statuses_announced(kept["id"]) == [("delivered", "refunded")]


def test_a_partial_refund_is_409_saying_only_full_refunds_are_supported(order_in, staff_api):
    order = order_in("paid")

    response = _refund(staff_api, order, amount="5.00")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Only full refunds are supported: the refund must be the paid sum of 19.99 USD."
    )
    assert repository.get(order["id"])["status"] == "paid"


def test_a_second_refund_is_409(order_in, staff_api):
    order = order_in("paid")
    first = _refund(staff_api, order)
    clear_outbox(order["id"])

    again = _refund(staff_api, order)

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["detail"] == "The order is refunded already."
    assert len(repository.get(order["id"])["refunds"]) == 1
    assert outbox_of(order["id"]) == [] and statuses_announced(order["id"]) == []


@pytest.mark.parametrize(
    ("current", "detail"),
    [
        ("pending", "was not paid: there is nothing to refund; cancel it instead."),
        ("confirmed", "was not paid: there is nothing to refund; cancel it instead."),
        ("cancelled", "was not paid: there is nothing to refund."),
        ("shipped", "An order on its way (shipped) is refunded once it is delivered."),
    ],
)
def test_an_order_that_cannot_be_refunded_now_is_409_saying_why(order_in, staff_api, current, detail):
    order = order_in(current)

    response = _refund(staff_api, order, amount="19.99")

    assert response.status_code == 409
    assert response.json()["detail"].endswith(detail)
    assert repository.get(order["id"])["status"] == current


def test_a_refund_needs_a_reason_and_an_amount(order_in, staff_api):
    order = order_in("paid")

    for body in ({"amount": "19.99"}, {"reason": "x"}, {"amount": "19.99", "reason": ""}):
        response = staff_api.post(f"/api/v1/orders/{order['id']}/refunds", body, format="json")
        assert response.status_code == 400, body


# Who may ---------------------------------------------------------------------------------


def test_a_customer_cannot_pay_or_refund_and_sees_only_own_orders(order_in, alice_api, bob_api, staff_api):
    # given alice's confirmed order and another of hers that is paid
    confirmed, paid = order_in("confirmed"), order_in("paid")

    # when alice tries to pay or refund her own orders, and bob to read them
    paying = _pay(alice_api, confirmed)
    refunding = _refund(alice_api, paid)
    bob_paying = _pay(bob_api, confirmed)

    # then customers are refused, and bob does not see alice's orders
    assert paying.status_code == refunding.status_code == bob_paying.status_code == 403
    assert bob_api.get(f"/api/v1/orders/{paid['id']}").status_code == 404
    assert bob_api.get("/api/v1/orders/").json()["count"] == 0
    mine = alice_api.get(f"/api/v1/orders/{paid['id']}").json()
    assert [p["amount"] for p in mine["payments"]] == ["19.99"]
    assert "actor" not in mine["payments"][0]
    assert repository.get(confirmed["id"])["status"] == "confirmed"
    # a service may pay but not refund; staff may do both
    assert _refund(staff_api, paid).status_code == 201


def test_a_service_cannot_refund_or_move_statuses(order_in, service_api):
    order = order_in("paid")

    refund = _refund(service_api, order)
    move = service_api.put(f"/api/v1/orders/{order['id']}/status", {"status": "processing"}, format="json")

    assert refund.status_code == move.status_code == 403
    assert repository.get(order["id"])["status"] == "paid"

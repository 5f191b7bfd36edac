"""The staff walkthrough of the README, in a real browser through the gateway: a product made in the
product admin reaches the inventory admin with its name; stock adjusted there is in its history; a
customer's order (placed through the API) is shipped and delivered from the order admin; the low-stock
alert it caused is in the notification admin. The screenshots are the README's."""

import time
import uuid
from urllib.parse import urlsplit

import requests

from shared.testing.gateway import new_customer, new_staff
from tests.shop import settled_order

WAIT_SECONDS = 20


def reload_until(page, url, text):
    """Open ``url`` until ``text`` is on it (what events bring arrives a moment later)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        page.goto(url)
        if text in page.inner_text("#content"):
            return
        assert time.monotonic() < deadline, f"{text!r} never appeared on {url}"
        time.sleep(0.5)


def test_staff_run_the_shop_from_the_console(open_browser, gateway_url):
    staff, customer = new_staff(gateway_url), new_customer(gateway_url, "lamp-buyer")
    run = uuid.uuid4().hex[:6].upper()
    name, sku = f"Desk lamp {run}", f"LAMP-{run}"
    person = open_browser()
    page = person.page
    person.log_in(staff.email, start="/product/admin/")

    # A product, made in the product admin; a refused value shows the API's message on its field.
    page.goto("/product/admin/products/product/add/")
    page.fill("#id_name", name)
    page.fill("#id_sku", "not a sku!")
    page.fill("#id_category", "lighting")
    page.fill("#id_price", "39.90")
    page.fill("#id_initial_stock", "12")
    page.click("input[name=_save]")
    assert "sku" in page.inner_text(".errors.field-sku").lower()
    person.shot("product-add-refused")
    page.fill("#id_sku", sku)
    page.click("input[name=_save]")
    assert "was added" in page.inner_text(".messagelist")
    page.goto(f"/product/admin/products/product/?q={sku}")
    assert name in page.inner_text("#result_list")
    page.goto("/product/admin/products/product/")
    person.shot("product-list")
    # The browsable API offers staff an HTML form for the same thing.
    page.goto("/api/v1/products/")
    assert page.locator("#post-object-form input[name=name]").count() == 1
    page.locator("#post-object-form").scroll_into_view_if_needed()
    person.shot("browsable-api-form")
    product_id = requests.get(
        f"{gateway_url}/api/v1/products/", params={"search": name}, headers=staff.headers, timeout=10
    ).json()["results"][0]["id"]

    # Its inventory item, with the product's name, where staff add a delivery of 3.
    reload_until(page, f"/inventory/admin/stock/item/?q={sku}", name)
    page.click(f"#result_list >> text={name}")
    page.select_option("#id_adjust-kind", "add")
    page.fill("#id_adjust-amount", "3")
    page.fill("#id_adjust-reason", "Delivery from the supplier")
    page.click("input[name=_adjust]")
    assert "Delivery from the supplier" in page.inner_text("#content")
    person.shot("inventory-item", full_page=True)
    item = requests.get(
        f"{gateway_url}/api/v1/inventory/",
        params={"product_id": product_id},
        headers=staff.headers,
        timeout=10,
    ).json()["results"][0]
    assert (item["quantity"], item["available"], item["reorder_threshold"]) == (15, 15, 5)

    # A customer orders 11 through the API: confirmed, and 4 left is under the threshold of 5.
    placed = requests.post(
        f"{gateway_url}/api/v1/orders/",
        json={"items": [{"product_id": product_id, "quantity": 11}]},
        headers={**customer.headers, "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]
    assert settled_order(gateway_url, customer.headers, order_id)["status"] == "confirmed"

    # The payment provider tells the shop it was paid (a service or staff records it); staff find the
    # order in the order admin, process it, ship it (its stock leaves the warehouse), mark it delivered.
    paid = requests.post(
        f"{gateway_url}/api/v1/orders/{order_id}/payments",
        json={"amount": "438.90", "currency": "USD", "reference": f"card-{run}", "method": "card"},
        headers=staff.headers,
        timeout=10,
    )
    assert paid.status_code == 201, paid.text
    page.goto(f"/order/admin/orders/order/?q={order_id}")
    assert customer.email in page.inner_text("#result_list")
    page.click(f"#result_list >> text={order_id[:8]}")
    assert "paid" in page.inner_text("#content")
    page.click("button[value=processing]")
    assert "processing" in page.inner_text(".messagelist").lower()
    page.fill("#id_action_reason", "Handed to the carrier")
    page.click("button[value=shipped]")
    assert "shipped" in page.inner_text(".messagelist").lower()
    page.click("button[value=delivered]")
    assert "delivered" in page.inner_text(".messagelist").lower()
    person.shot("order-detail", full_page=True)
    order = requests.get(f"{gateway_url}/api/v1/orders/{order_id}", headers=customer.headers, timeout=10)
    statuses = [step["status"] for step in order.json()["status_history"]]
    assert statuses == ["pending", "confirmed", "paid", "processing", "shipped", "delivered"]
    item = requests.get(
        f"{gateway_url}/api/v1/inventory/",
        params={"product_id": product_id},
        headers=staff.headers,
        timeout=10,
    ).json()["results"][0]
    assert (item["quantity"], item["reserved"], item["available"]) == (4, 0, 4)  # shipping took the 11

    # The low-stock alert the order caused, in the notification admin.
    reload_until(page, f"/notification/admin/notifications/notification/?q={sku}", sku)
    assert "sent" in page.inner_text("#result_list").lower()
    person.shot("notification-list")
    assert urlsplit(page.url).path.startswith("/notification/admin/")

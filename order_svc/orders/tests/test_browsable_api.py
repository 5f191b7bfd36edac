"""The browsable API's status form for staff (DRF's HTML page for ``PUT /api/v1/orders/{id}/status``), against
the real FerretDB and the running user_svc and product_svc."""

from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from orders import repository
from orders.tests.conftest import bring_to
from shared.testing.fixtures import staff_browser_client


def _place(api, product, quantity=1):
    response = api.post(
        "/api/v1/orders/", {"items": [{"product_id": product["id"], "quantity": quantity}]}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_browsable_api_renders_a_status_form(staff_browser, alice_api, make_product):
    order = _place(alice_api, make_product())

    response = staff_browser.get(f"/api/v1/orders/{order['id']}/status", HTTP_ACCEPT="text/html")

    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert 'data-method="PUT" enctype="multipart/form-data"' in page
    assert '<select class="form-control" name="status">' in page
    assert 'name="reason"' in page


def test_staff_change_a_status_with_the_browsable_apis_form_and_its_csrf_token(alice_api, make_product, db):
    # given a paid order and a browser that has loaded the form (and with it the CSRF cookie)
    order = _place(alice_api, make_product())
    bring_to(order["id"], "paid")
    browser = staff_browser_client(email="form@example.com")
    browser.handler.enforce_csrf_checks = True
    url = f"/api/v1/orders/{order['id']}/status"
    browser.get(url, HTTP_ACCEPT="text/html")
    body = encode_multipart(BOUNDARY, {"status": "processing", "reason": "from the form"})

    # when the form is sent as DRF's page sends it: a PUT of the form data with the X-CSRFToken header
    forged = browser.put(url, body, content_type=MULTIPART_CONTENT, HTTP_ACCEPT="text/html; q=1.0, */*")
    sent = browser.put(
        url,
        body,
        content_type=MULTIPART_CONTENT,
        HTTP_ACCEPT="text/html; q=1.0, */*",
        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
    )

    # then only the one with the token changes the order, and the answer offers the status form again
    assert forged.status_code == 403
    assert sent.status_code == 200, sent.content
    stored = repository.get(order["id"])
    assert stored["status"] == "processing"
    assert (stored["status_history"][-1]["reason"], stored["status_history"][-1]["actor"]) == (
        "from the form",
        "form@example.com",
    )
    assert '<select class="form-control" name="status">' in sent.content.decode()

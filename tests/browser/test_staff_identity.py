"""One staff identity, in a real browser through the gateway: one login opens every admin and the
browsable API, one logout closes them all; customers and deactivated staff are refused everywhere;
the API docs render with the outside world unreachable."""

from urllib.parse import urlsplit

import pytest
import requests

from shared.testing.gateway import new_customer, new_staff
from tests.conftest import SERVICES

ADMIN_TITLES = {
    "product": "Products",
    "order": "Orders",
    "inventory": "Inventory",
    "user": "Users",
    "notification": "Notifications",
}


def on_login_page(page):
    return urlsplit(page.url).path == "/user/admin/login/"


def test_one_login_opens_every_admin_and_the_browsable_api_and_one_logout_closes_them(
    open_browser, gateway_url
):
    staff = new_staff(gateway_url)
    person = open_browser()
    person.page.goto("/inventory/admin/")
    person.shot("staff-login")

    person.log_in(staff.email, start="/inventory/admin/")

    assert urlsplit(person.page.url).path == "/inventory/admin/"
    access = person.cookie("staff_access")
    assert access["httpOnly"] and access["sameSite"] == "Lax" and access["path"] == "/"
    assert person.cookie("staff_refresh")["path"] == "/user/admin/"
    for service, title in ADMIN_TITLES.items():
        person.page.goto(f"/{service}/admin/")
        assert urlsplit(person.page.url).path == f"/{service}/admin/", service
        assert title in person.page.inner_text("#site-name")
        nav = person.page.inner_text("#console-nav")
        assert all(label in nav for label in ADMIN_TITLES.values())
    person.page.goto("/product/admin/")
    person.shot("staff-admin-index")
    person.page.goto("/api/v1/inventory/")
    assert staff.email in person.page.inner_text(".navbar")  # DRF's browsable API knows who it is

    person.page.goto("/order/admin/")
    person.page.click("#logout-form button")

    assert "Logged out" in person.page.inner_text("#content")
    assert person.cookie("staff_access") is None and person.cookie("staff_refresh") is None
    for service in SERVICES:
        person.page.goto(f"/{service}/admin/")
        assert on_login_page(person.page), service


def test_a_customer_is_refused_by_the_login_and_by_every_admin(open_browser, gateway_url):
    customer = new_customer(gateway_url, "shopper")
    person = open_browser()

    person.log_in(customer.email)

    assert on_login_page(person.page)
    assert "staff account" in person.page.inner_text(".errornote")
    assert person.cookie("staff_access") is None
    for service in SERVICES:
        person.page.goto(f"/{service}/admin/")
        assert on_login_page(person.page), service
    # Nor does the customer's bearer token open an admin page.
    response = requests.get(
        f"{gateway_url}/inventory/admin/", headers=customer.headers, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302


def test_a_staff_account_deactivated_in_user_svc_loses_access_everywhere(open_browser, gateway_url):
    boss, clerk = new_staff(gateway_url), new_staff(gateway_url)
    clerk_browser, boss_browser = open_browser(), open_browser()
    clerk_browser.log_in(clerk.email, start="/notification/admin/")
    assert urlsplit(clerk_browser.page.url).path == "/notification/admin/"

    # The boss deactivates the clerk in user_svc's admin.
    boss_browser.log_in(boss.email, start="/user/admin/")
    boss_browser.page.goto(f"/user/admin/accounts/user/?q={clerk.email}")
    boss_browser.page.click(f"text={clerk.email}")
    boss_browser.page.uncheck("#id_is_active")
    boss_browser.page.click("input[name=_save]")
    assert "was changed successfully" in boss_browser.page.inner_text(".messagelist")

    # user_svc reads the account itself: refused at once.
    clerk_browser.page.goto("/user/admin/")
    assert on_login_page(clerk_browser.page)
    # The other services trust the access token until it expires (JWT_ACCESS_MINUTES); when it has
    # (here: the browser drops the expired cookie), the refresh is refused and every admin asks for a login.
    clerk_browser.context.clear_cookies(name="staff_access")
    for service in SERVICES:
        clerk_browser.page.goto(f"/{service}/admin/")
        assert on_login_page(clerk_browser.page), service
        assert clerk_browser.cookie("staff_access") is None


@pytest.mark.parametrize("service", SERVICES)
def test_swagger_ui_renders_every_operation_with_the_outside_unreachable(open_browser, service):
    person = open_browser()

    person.page.goto(f"/{service}/api/docs/")
    person.page.wait_for_selector(".opblock", timeout=15_000)

    assert person.page.locator(".opblock").count() >= 2
    if service == "product":
        person.shot("swagger-ui")
    # (the fixture asserts that nothing was requested from outside this machine)

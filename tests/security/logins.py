"""Login attempts through the gateway as a client of its own: a fresh account and a loopback address of
its own, so that the login throttle's counters a probe fills (per account, per client address) are not
the ones the rest of the suite logs in with (from 127.0.0.1).
"""

import random
import re
from urllib.parse import urlencode

import requests
from requests.adapters import HTTPAdapter

from shared.testing.gateway import Client, create_staff, new_email, require

STAFF_LOGIN = "/user/admin/login/"
API_LOGIN = "/api/v1/auth/login/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _FromAddress(HTTPAdapter):
    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client_of_its_own(gateway_url: str) -> requests.Session:
    """A client connecting from a loopback address no other test uses (the whole of 127/8 is this
    machine), so the gateway, and user_svc behind it, see a client address of its own."""
    address = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    session = requests.Session()
    session.mount(gateway_url, _FromAddress(address))
    session.base_url = gateway_url
    return session


def new_customer_email(gateway_url: str) -> str:
    """A registered customer that has never logged in."""
    customer = Client(gateway_url, new_email("guessed"))
    require(customer.register(), f"registering {customer.email}")
    return customer.email


def new_staff_email() -> str:
    """A staff account made by an operator (createsuperuser) that has never logged in."""
    email = new_email("staff-guessed")
    create_staff(email)
    return email


def api_login(client: requests.Session, email: str, password: str) -> requests.Response:
    return client.post(
        f"{client.base_url}{API_LOGIN}", json={"email": email, "password": password}, timeout=10
    )


def form_login(client: requests.Session, email: str, password: str, **extra) -> requests.Response:
    """The OAuth2 password grant form, as Swagger UI's "Authorize" sends it."""
    fields = {"grant_type": "password", "username": email, "password": password, "scope": "", **extra}
    return client.post(
        f"{client.base_url}{API_LOGIN}",
        data=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )


def staff_login(client: requests.Session, email: str, password: str, path=STAFF_LOGIN) -> requests.Response:
    """Fill in the staff login form as a browser does: the page (and its CSRF token), then the post."""
    page = client.get(f"{client.base_url}{STAFF_LOGIN}", timeout=10)
    assert page.status_code == 200, page.text[:300]
    token = CSRF_INPUT.search(page.text).group(1)
    return client.post(
        f"{client.base_url}{path}",
        data={"csrfmiddlewaretoken": token, "username": email, "password": password},
        allow_redirects=False,
        timeout=10,
    )

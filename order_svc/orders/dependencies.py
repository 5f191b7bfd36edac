"""order_svc's calls to the other services, over the pooled shared.http client.

One call per dependency and credential per order: user_svc ``verify`` (service token) and, when an address
is given, ``users/me/addresses/{id}`` with the caller's own token (the address API is for the person
itself: a service token is not a person, so forwarding the caller's token is the only way to read it and it
also scopes the lookup to the caller's own addresses); product_svc once for all the order's products with
the ``ids`` filter (service token, so inactive products are seen and reported as such).
"""

import logging
from pathlib import Path

from django.conf import settings

from shared.http import DependencyUnavailable, ServiceClient

logger = logging.getLogger("orders.dependencies")

_clients: dict[tuple[str, str], ServiceClient] = {}
_file_tokens: dict[str, str] = {}


def service_token() -> str | None:
    """The service credential: SERVICE_TOKEN (tests), else the content of SERVICE_TOKEN_FILE, read once
    per process (the client asks for it on every call; a token lives a year)."""
    if settings.SERVICE_TOKEN:
        return settings.SERVICE_TOKEN
    if not settings.SERVICE_TOKEN_FILE:
        return None
    path = settings.SERVICE_TOKEN_FILE
    if path not in _file_tokens:
        try:
            _file_tokens[path] = Path(path).read_text().strip()
        except OSError as exc:
            # Sent without a credential, the call is refused and surfaces as a 503 naming the service;
            # nothing is cached, so a token that appears later is picked up.
            logger.error("cannot read SERVICE_TOKEN_FILE: %s", exc)
            return None
    return _file_tokens[path]


def _client(service: str, base_url: str) -> ServiceClient:
    key = (service, base_url)
    if key not in _clients:
        _clients[key] = ServiceClient(
            service,
            base_url,
            credential=service_token,
            connect_timeout=settings.HTTP_CONNECT_TIMEOUT_SECONDS,
            read_timeout=settings.HTTP_READ_TIMEOUT_SECONDS,
            retries=settings.HTTP_RETRIES,
        )
    return _clients[key]


def user_verify(user_id: str) -> dict:
    """``{id, exists, is_active}``; a 404 from user_svc means the user does not exist."""
    response = _client("user", settings.USER_SERVICE_URL).get(f"/api/v1/users/{user_id}/verify")
    if response.status_code == 404:
        return {"id": user_id, "exists": False, "is_active": False}
    _expect_ok(response, "user")
    return response.json()


def address_get(address_id: str, *, user_token: str) -> dict | None:
    """The caller's address, or None when it is not one of theirs."""
    response = _client("user", settings.USER_SERVICE_URL).get(
        f"/api/v1/users/me/addresses/{address_id}", token=user_token
    )
    if response.status_code in (400, 404):
        return None
    _expect_ok(response, "user")
    return response.json()


def products_get(product_ids: list[str]) -> dict[str, dict]:
    """The products with these ids (at most 100), by id; absent ids are simply missing."""
    response = _client("product", settings.PRODUCT_SERVICE_URL).get(
        "/api/v1/products/", params={"ids": ",".join(product_ids), "limit": 100}
    )
    if response.status_code == 400:  # an id product_svc cannot even look up: no such product
        return {}
    _expect_ok(response, "product")
    return {product["id"]: product for product in response.json()["results"]}


def _expect_ok(response, service):
    """A 4xx we did not expect (e.g. our credential refused) is our misconfiguration, not the client's
    fault: it surfaces as the dependency being unusable (503) and is logged with the status."""
    if response.status_code != 200:
        logger.error(
            "%s service answered %s", service, response.status_code, extra={"status": response.status_code}
        )
        raise DependencyUnavailable(service, f"HTTP {response.status_code}")

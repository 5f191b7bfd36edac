"""The services' OpenAPI schemas as the gateway serves them (``/<service>/api/schema/``), and who may call
each of their operations. Operation paths in the schemas are the gateway's routes (``/api/v1/...``)."""

import re
from collections.abc import Iterator

import requests

METHODS = ("get", "post", "put", "patch", "delete")

# Per CONTRACT.md: the operations only staff (or other services) may call, as (service, methods, path
# pattern) over the schema's paths. Every other operation is open to customers (their own data) or anyone.
ANY_METHOD = frozenset(method.upper() for method in METHODS)
STAFF_ONLY = (
    ("product", frozenset({"POST", "PUT", "PATCH", "DELETE"}), r"^/api/v1/products/"),  # catalog writes
    ("order", frozenset({"PUT"}), r"^/api/v1/orders/\{id\}/status/$"),  # status changes
    # Payments are staff or service (the payment provider), refunds staff: never a customer.
    ("order", frozenset({"POST"}), r"^/api/v1/orders/\{id\}/(payments|refunds)/$"),
    ("inventory", ANY_METHOD, r"^/api/v1/inventory/(?!check/)"),  # all but the stock check
    ("user", frozenset({"GET"}), r"^/api/v1/users/\{user_id\}/verify/$"),  # account verification
    ("notification", ANY_METHOD, r"^/api/v1/notifications/"),  # the whole API
)


def schema_url(gateway_url: str, service: str) -> str:
    return f"{gateway_url}/{service}/api/schema/?format=json"


def fetch_schema(gateway_url: str, service: str) -> dict:
    response = requests.get(schema_url(gateway_url, service), timeout=10)
    response.raise_for_status()
    return response.json()


def operations(schema: dict) -> Iterator[tuple[str, str, dict]]:
    """``(METHOD, path, operation)`` for every operation of ``schema``."""
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def is_staff_only(service: str, method: str, path: str) -> bool:
    return any(
        service == rule_service and method in methods and re.search(pattern, path)
        for rule_service, methods, pattern in STAFF_ONLY
    )

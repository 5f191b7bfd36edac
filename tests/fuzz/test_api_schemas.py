"""Every service's API fuzzed through the gateway from its own OpenAPI schema (schemathesis, issue 11):
no answer is a 5xx, every status is documented, every body matches its schema.

Bounded for CI: a few derandomized examples per operation (the same inputs on every run), plus
schemathesis' coverage cases (boundaries, missing fields, wrong types). Staff-only operations run with
the session's staff token, the others with the fuzzer's own customer; /api/v1/auth/ runs without one,
with fewer examples and no coverage cases, paced under the gateway's rate limit, because every login
attempt counts against user_svc's per-address throttle that the session's own logins share.
"""

import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import gateway_address
from tests.openapi import schema_url

GATEWAY = gateway_address()
FUZZ = settings(
    max_examples=10, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
AUTH_FUZZ = settings(FUZZ, max_examples=4)


def load(service: str):
    schema = schemathesis.openapi.from_url(schema_url(GATEWAY, service))
    schema.config.update(base_url=GATEWAY)
    return schema


def load_auth():
    schema = load("user")
    schema.config.phases.update(phases=["examples", "fuzzing"])
    return schema.include(path_regex=r"^/api/v1/auth/")


product = load("product")
order = load("order")
inventory = load("inventory")
users = load("user").exclude(path_regex=r"^/api/v1/auth/")
auth = load_auth()
notification = load("notification")


@product.parametrize()
@FUZZ
def test_product_api(case, fuzzer):
    fuzzer.exercise("product", case)


@order.parametrize()
@FUZZ
def test_order_api(case, fuzzer):
    fuzzer.exercise("order", case)


@inventory.parametrize()
@FUZZ
def test_inventory_api(case, fuzzer):
    fuzzer.exercise("inventory", case)


@users.parametrize()
@FUZZ
def test_user_api(case, fuzzer):
    fuzzer.exercise("user", case)


@auth.parametrize()
@AUTH_FUZZ
def test_auth_api(case, fuzzer):
    fuzzer.exercise("user", case)


@notification.parametrize()
@FUZZ
def test_notification_api(case, fuzzer):
    fuzzer.exercise("notification", case)

"""Issue 17: strict input on every operation of every service, read from the schemas the gateway serves.

- a body with a field the operation does not declare is a 400 naming that field;
- a query string with a parameter the operation does not declare is a 400 naming it;
- an integer query parameter or body field far beyond any bound (10**20, past a 64-bit integer) is a
  400 naming it, never a 500 from the database;
- every list refuses a page larger than the cap its schema states.

The schemas are the list of operations, so an operation added later is covered without a new test.
"""

import time

import pytest
import requests

from tests.conftest import gateway_address
from tests.fuzz.fuzzer import AUTH_PACE_SECONDS, AUTH_PREFIX
from tests.openapi import fetch_schema, is_staff_only, operations
from tests.shop import made_objects

GATEWAY = gateway_address()
SERVICES = ("product", "order", "inventory", "user", "notification")
UNKNOWN = "zz_not_a_field"
HUGE = 10**20


def _schemas() -> dict[str, dict]:
    return {service: fetch_schema(GATEWAY, service) for service in SERVICES}


SCHEMAS = _schemas()


def _cases(select) -> list:
    return [
        pytest.param(service, method, path, operation, id=f"{service} {method} {path}")
        for service, schema in SCHEMAS.items()
        for method, path, operation in operations(schema)
        if select(method, operation)
    ]


def _body_schema(service: str, operation: dict) -> dict:
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    return SCHEMAS[service]["components"]["schemas"][name]


def _query_parameters(operation: dict) -> list[dict]:
    return [p for p in operation.get("parameters", []) if p["in"] == "query"]


def _takes_json(method, operation) -> bool:
    return "application/json" in operation.get("requestBody", {}).get("content", {})


def _has_query(method, operation) -> bool:
    return bool(_query_parameters(operation))


def _integer_fields(service, method, operation) -> list[str]:
    properties = _body_schema(service, operation).get("properties", {})
    return [name for name, spec in properties.items() if spec.get("type") == "integer"]


@pytest.fixture(scope="module")
def strict_ids(staff_account, fuzz_customer):
    """Objects of this module's own: the schema fuzzing may have deleted the session's by now."""
    with made_objects(staff_account, fuzz_customer) as ids:
        yield ids


@pytest.fixture
def call(strict_ids, staff_account, fuzz_customer):
    def call(service, method, path, *, params=None, json=None) -> requests.Response:
        if path.startswith(AUTH_PREFIX):
            time.sleep(AUTH_PACE_SECONDS)  # the gateway's rate limit on /api/v1/auth/
            headers = {}
        else:
            account = staff_account if is_staff_only(service, method, path) else fuzz_customer
            headers = account.headers
        url = GATEWAY + path.format(**strict_ids.get(service, {}))
        # A full page of every order is slow on FerretDB's SQLite backend (issue 22): a generous timeout.
        return requests.request(method, url, params=params, json=json, headers=headers, timeout=60)

    return call


def _assert_refused(response, *names):
    assert response.status_code == 400, f"{response.status_code}: {response.text[:300]}"
    body = response.json()
    for name in names:
        assert name in body, f"{name} not named in {body}"


@pytest.mark.parametrize(("service", "method", "path", "operation"), _cases(_takes_json))
def test_an_unknown_body_field_is_refused_by_name(call, service, method, path, operation):
    schema = _body_schema(service, operation)
    assert schema.get("additionalProperties") is False, "the schema does not say the body is closed"

    _assert_refused(call(service, method, path, json={UNKNOWN: 1}), UNKNOWN)


@pytest.mark.parametrize(("service", "method", "path", "operation"), _cases(_has_query))
def test_an_unknown_query_parameter_is_refused_by_name(call, service, method, path, operation):
    _assert_refused(call(service, method, path, params={UNKNOWN: "1"}), UNKNOWN)


@pytest.mark.parametrize(("service", "method", "path", "operation"), _cases(_has_query))
def test_integer_parameters_out_of_range_are_refused_by_name(call, service, method, path, operation):
    integers = [p["name"] for p in _query_parameters(operation) if p["schema"].get("type") == "integer"]
    for name in integers:
        _assert_refused(call(service, method, path, params={name: str(HUGE)}), name)


@pytest.mark.parametrize(
    ("service", "method", "path", "operation"),
    [case for case in _cases(_takes_json) if _integer_fields(*case.values[:2], case.values[3])],
)
def test_integer_body_fields_out_of_range_are_refused_by_name(call, service, method, path, operation):
    for name in _integer_fields(service, method, operation):
        _assert_refused(call(service, method, path, json={name: HUGE}), name)


@pytest.mark.parametrize(
    ("service", "method", "path", "operation"),
    _cases(lambda method, operation: any(p["name"] == "limit" for p in _query_parameters(operation))),
)
def test_every_list_states_and_keeps_its_page_cap(call, service, method, path, operation):
    limit = next(p for p in _query_parameters(operation) if p["name"] == "limit")["schema"]
    cap = limit.get("maximum")
    assert cap is not None, "the schema states no page cap"

    assert call(service, method, path, params={"limit": cap}).status_code == 200
    _assert_refused(call(service, method, path, params={"limit": cap + 1}), "limit")

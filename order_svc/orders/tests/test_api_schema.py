"""What the order API's OpenAPI schema says about its answers, and hostile bodies found by fuzzing it."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from shared.testing.fixtures import client_with
from shared.testing.jwt import access_token


@pytest.fixture(scope="module")
def operations():
    return SchemaGenerator().get_schema(request=None, public=True)["paths"]


def test_cancelling_is_documented_as_200_with_the_order(operations):
    responses = operations["/api/v1/orders/{id}/"]["delete"]["responses"]

    assert "204" not in responses
    assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Order")
    assert "409" in responses


def test_the_status_choices_are_what_a_status_request_may_set():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    body = schema["paths"]["/api/v1/orders/{id}/status/"]["put"]["requestBody"]
    request = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    status = schema["components"]["schemas"][request]["properties"]["status"]
    choices = schema["components"]["schemas"][status["$ref"].rsplit("/", 1)[-1]]["enum"]

    assert choices == ["processing", "shipped", "delivered", "cancelled"]


def test_payments_and_refunds_are_documented_with_the_order_they_answer(operations):
    pay = operations["/api/v1/orders/{id}/payments/"]["post"]["responses"]
    refund = operations["/api/v1/orders/{id}/refunds/"]["post"]["responses"]

    assert {"200", "201", "403", "404", "409"} <= set(pay)
    assert {"201", "403", "404", "409"} <= set(refund)
    assert pay["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/Order")


def test_a_body_nested_too_deeply_is_400_not_500():
    api = client_with(access_token())

    response = api.post("/api/v1/orders/", b"[" * 100_000 + b"]" * 100_000, content_type="application/json")

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]

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


def test_a_body_nested_too_deeply_is_400_not_500():
    api = client_with(access_token())

    response = api.post("/api/v1/orders/", b"[" * 100_000 + b"]" * 100_000, content_type="application/json")

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]

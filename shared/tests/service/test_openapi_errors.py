"""The service's OpenAPI schema documents every error status its operations answer (shared.openapi) and
the real shape of its lists, so that clients and the fuzzing suite (tests/fuzz) can rely on it."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_operations_that_read_a_token_document_401(schema):
    undocumented = [
        name
        for name, operation in _operations(schema)
        if any(requirement for requirement in operation.get("security", []))
        and "401" not in operation["responses"]
    ]
    assert undocumented == []


def test_operations_on_an_object_document_404_and_those_with_input_400(schema):
    for name, operation in _operations(schema):
        locations = {parameter["in"] for parameter in operation.get("parameters", [])}
        if "path" in locations:
            assert "404" in operation["responses"], name
        if "query" in locations or "requestBody" in operation:
            assert "400" in operation["responses"], name


def test_every_operation_documents_the_503_of_a_dependency_down(schema):
    body = schema["components"]["schemas"]["DependencyError"]
    assert sorted(body["required"]) == ["dependency", "detail"]
    for name, operation in _operations(schema):
        content = operation["responses"]["503"]["content"]["application/json"]["schema"]
        assert content == {"$ref": "#/components/schemas/DependencyError"}, name


def test_error_bodies_are_described(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]
    for name, operation in _operations(schema):
        for code, response in operation["responses"].items():
            if code.startswith(("4", "5")):
                assert "application/json" in response.get("content", {}), (name, code)


def test_lists_are_documented_as_pages(schema):
    for name, operation in _operations(schema):
        if not operation["operationId"].endswith("_list"):
            continue
        reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]
        assert {"count", "results"} <= set(page["properties"]), name

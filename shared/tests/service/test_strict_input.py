"""shared.strict and shared.pagination: unknown keys and out-of-range pages are refused by name."""

import pytest
from django.http import QueryDict
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIRequestFactory

from shared.pagination import MAX_PAGE_SIZE, PageQuerySerializer, Pagination
from shared.strict import StrictQuerySerializer, StrictSerializer


class Line(StrictSerializer):
    product_id = serializers.CharField()
    quantity = serializers.IntegerField(min_value=1)


class Order(StrictSerializer):
    id = serializers.CharField(read_only=True)
    items = Line(many=True)
    note = serializers.CharField(required=False)


class Filters(PageQuerySerializer):
    low_stock = serializers.BooleanField(required=False)


def _errors(serializer) -> dict:
    assert not serializer.is_valid()
    return serializer.errors


def test_unknown_fields_are_all_named_and_nothing_else_is_validated_first():
    errors = _errors(Order(data={"items": [], "colour": "red", "quantity": 3}))

    assert set(errors) == {"colour", "quantity"}
    assert errors["colour"] == ["Unknown field; this endpoint takes: items, note."]


def test_a_close_name_is_suggested_and_a_read_only_field_is_refused_as_such():
    assert _errors(Order(data={"item": []}))["item"] == ["Unknown field; did you mean 'items'?"]
    assert _errors(Order(data={"id": "x", "items": []}))["id"] == ["This field is read-only."]


def test_an_unknown_field_inside_a_nested_line_is_named_at_its_place():
    errors = _errors(Order(data={"items": [{"product_id": "p", "quantity": 1, "price": "0.01"}]}))

    assert list(errors) == ["items"] and "price" in errors["items"][0]


def test_a_known_body_passes_and_a_partial_one_too():
    order = Order(data={"items": [{"product_id": "p", "quantity": 2}]})
    assert order.is_valid(), order.errors
    assert Order(data={"note": "x"}, partial=True).is_valid()


def test_a_form_post_may_carry_its_csrf_token_but_json_may_not():
    form = QueryDict("note=x&csrfmiddlewaretoken=abc")
    assert Order(data=form, partial=True).is_valid()
    assert "csrfmiddlewaretoken" in _errors(Order(data={"csrfmiddlewaretoken": "abc"}, partial=True))


def test_a_query_string_takes_the_format_override_and_names_unknown_parameters():
    class Check(StrictQuerySerializer):
        product_id = serializers.CharField()

    assert Check(data=QueryDict("product_id=p&format=json")).is_valid()
    assert _errors(Check(data=QueryDict("product_id=p&low_stock_only=1")))["low_stock_only"] == [
        "Unknown query parameter; this endpoint takes: product_id."
    ]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("limit=100000000000000000000", "limit"),
        ("offset=-1", "offset"),
        ("offset=100000000000000000000", "offset"),
        ("low_stock_only=true", "low_stock_only"),
    ],
)
def test_a_list_query_refuses_pages_out_of_range_and_unknown_filters(query, named):
    errors = _errors(Filters(data=QueryDict(query)))

    assert list(errors) == [named]
    if named == "low_stock_only":
        assert errors[named] == ["Unknown query parameter; did you mean 'low_stock'?"]


def test_filters_leave_the_page_out():
    query = Filters(data=QueryDict("low_stock=true&limit=5"))
    assert query.is_valid()
    assert query.filters == {"low_stock": True}
    assert (query.validated_data["limit"], query.validated_data["offset"]) == (5, 0)


def _paginate(query: str):
    request = APIRequestFactory().get(f"/things/?{query}")
    request.query_params = request.GET  # what DRF's Request gives the paginator
    return Pagination().paginate_queryset(list(range(250)), request)


def test_the_paginator_pages_within_the_cap_and_refuses_beyond_it_instead_of_clamping():
    assert _paginate("") == list(range(20))
    assert _paginate(f"limit={MAX_PAGE_SIZE}&offset=200") == list(range(200, 250))
    with pytest.raises(ValidationError) as refused:
        _paginate(f"limit={MAX_PAGE_SIZE + 1}")

    assert "limit" in refused.value.detail


def test_the_paginator_states_its_bounds_in_the_schema():
    parameters = {p["name"]: p["schema"] for p in Pagination().get_schema_operation_parameters(view=None)}

    assert parameters["limit"]["maximum"] == MAX_PAGE_SIZE and parameters["limit"]["minimum"] == 1
    assert parameters["offset"]["minimum"] == 0

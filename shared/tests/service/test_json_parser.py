"""The platform's JSON parser (shared.parsers) refuses a body nested too deeply with a 400's ParseError."""

import io

import pytest
from rest_framework.exceptions import ParseError

from shared.parsers import JSONParser


def _parse(body: bytes):
    return JSONParser().parse(io.BytesIO(body), parser_context={"encoding": "utf-8"})


def test_a_body_nested_deeper_than_the_recursion_limit_is_a_parse_error():
    with pytest.raises(ParseError, match="nested too deeply"):
        _parse(b"[" * 100_000 + b"]" * 100_000)


def test_ordinary_json_is_parsed_as_before():
    assert _parse(b'{"items": [{"quantity": 1}]}') == {"items": [{"quantity": 1}]}
    with pytest.raises(ParseError, match="JSON parse error"):
        _parse(b'{"items": ')

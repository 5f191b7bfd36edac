import json
import logging

from shared.correlation import clean_request_id, reset_request_id, set_request_id
from shared.logging import JsonFormatter, RequestIdFilter


def _record(message, **extra):
    record = logging.LogRecord("orders", logging.INFO, __file__, 1, message, (), None)
    record.__dict__.update(extra)
    return record


def test_a_record_is_one_json_line_with_service_and_request_id():
    token = set_request_id("req-1")
    try:
        record = _record("order %s", status=201)
        record.args = ("created",)
        RequestIdFilter().filter(record)
        line = JsonFormatter(service="order").format(record)
    finally:
        reset_request_id(token)

    payload = json.loads(line)
    assert "\n" not in line
    assert payload["message"] == "order created"
    assert payload["service"] == "order"
    assert payload["request_id"] == "req-1"
    assert payload["level"] == "INFO"
    assert payload["status"] == 201
    assert payload["ts"].endswith("+00:00")


def test_exceptions_are_kept_in_the_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())

    payload = json.loads(JsonFormatter(service="x").format(record))

    assert "ValueError: boom" in payload["exc_info"]


def test_request_ids_are_kept_when_well_formed_and_minted_otherwise():
    assert clean_request_id("3f2a-BC_9.1:x") == "3f2a-BC_9.1:x"
    minted = clean_request_id("has space")
    assert minted != "has space"
    assert len(minted) == 32
    assert clean_request_id(None) != clean_request_id(None)
    assert clean_request_id("x" * 129) != "x" * 129

"""One fuzzed request: sent through the gateway with the token of the role the operation is for, and its
answer checked against the service's schema."""

import time
from dataclasses import dataclass

from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from shared.testing.gateway import Client
from tests.openapi import is_staff_only
from tests.shop import delete_product

# No 5xx; every status documented; every body as documented, in the documented media type.
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]
AUTH_PREFIX = "/api/v1/auth/"
# The gateway lets a client make 20 requests a second to /api/v1/auth/ (plus a burst): stay under it.
AUTH_PACE_SECONDS = 0.1


@dataclass
class Fuzzer:
    staff: Client
    customer: Client
    known_ids: dict[str, dict[str, str]]

    def exercise(self, service: str, case) -> None:
        account = self._account_for(service, case)
        if _is_positive(case) and case.path_parameters:
            known = self.known_ids.get(service, {})
            case.path_parameters.update({k: known[k] for k in case.path_parameters if k in known})
        if case.path.startswith(AUTH_PREFIX):
            time.sleep(AUTH_PACE_SECONDS)
        response = case.call_and_validate(headers=account.headers if account else None, checks=CHECKS)
        if account is not None:
            # A refused token would leave the operation untested while every check passes.
            assert response.status_code != 401, f"{case.method} {case.path}: token refused: {response.text}"
        self._clean_up(case, response)

    def _account_for(self, service: str, case) -> Client | None:
        if case.path.startswith(AUTH_PREFIX):
            return None  # public: registration, login and the refresh-token calls take no bearer token
        return self.staff if is_staff_only(service, case.method, case.path) else self.customer

    def _clean_up(self, case, response) -> None:
        # Fuzzed products would stay in the shared catalog (and in every later product list).
        if case.method == "POST" and case.path == "/api/v1/products/" and response.status_code == 201:
            delete_product(self.staff, response.json()["id"])


def _is_positive(case) -> bool:
    meta = getattr(case, "meta", None)
    return meta is not None and meta.generation.mode == GenerationMode.POSITIVE

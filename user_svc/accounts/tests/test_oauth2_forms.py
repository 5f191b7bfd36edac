"""Issue 17: the OAuth2 form of login and refresh (RFC 6749, accounts.api.oauth2) next to the JSON bodies,
which keep their answers."""

from urllib.parse import urlencode

import jwt as pyjwt
import pytest
import yaml
from django.conf import settings

from accounts.tests.conftest import STRONG_PASSWORD
from accounts.tokens import tokens_issue
from shared.testing.schema import validated_schema

pytestmark = pytest.mark.django_db
LOGIN = "/api/v1/auth/login/"
REFRESH = "/api/v1/auth/refresh/"
FORM = "application/x-www-form-urlencoded"


def post_form(api, url, **fields):
    return api.post(url, urlencode(fields), content_type=FORM)


def claims(token):
    return pyjwt.decode(token, settings.SIMPLE_JWT["VERIFYING_KEY"], algorithms=["RS256"], issuer="user_svc")


def test_the_password_form_is_answered_with_an_oauth2_token_response(api, user):
    # given: what Swagger UI's "Authorize" sends (scope empty, no client)
    fields = {
        "grant_type": "password",
        "username": "Ann@example.com",
        "password": STRONG_PASSWORD,
        "scope": "",
    }

    # when
    response = post_form(api, LOGIN, **fields)

    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 5 * 60
    assert claims(body["access_token"])["user_id"] == str(user.id)
    assert claims(body["refresh_token"])["token_type"] == "refresh"
    assert response["Cache-Control"] == "no-store" and response["Pragma"] == "no-cache"


def test_the_form_token_opens_the_api(api, user):
    token = post_form(api, LOGIN, username="ann@example.com", password=STRONG_PASSWORD).json()["access_token"]

    me = api.get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert me.status_code == 200 and me.json()["email"] == "ann@example.com"


@pytest.mark.parametrize(
    "extra",
    [{}, {"grant_type": "password"}, {"client_id": "swagger-ui"}, {"scope": "  "}],
    ids=["bare", "grant-type", "client-id", "blank-scope"],
)
def test_grant_type_client_id_and_an_empty_scope_are_optional(api, user, extra):
    response = post_form(api, LOGIN, username="ann@example.com", password=STRONG_PASSWORD, **extra)

    assert response.status_code == 200, response.json()


@pytest.mark.parametrize(
    ("fields", "error", "named"),
    [
        ({"username": "ann@example.com", "password": "wrong-password-1"}, "invalid_grant", None),
        ({"username": "nobody@example.com", "password": STRONG_PASSWORD}, "invalid_grant", None),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type", "password"),
        ({"grant_type": "", "username": "ann@example.com"}, "unsupported_grant_type", "password"),
        ({"username": "ann@example.com"}, "invalid_request", "password"),
        (
            {"username": "ann@example.com", "password": "x", "client_secret": "s"},
            "invalid_request",
            "client_secret",
        ),
        (
            {"username": "ann@example.com", "password": STRONG_PASSWORD, "scope": "admin"},
            "invalid_scope",
            None,
        ),
    ],
    ids=[
        "wrong-password",
        "unknown-account",
        "other-grant",
        "empty-grant",
        "missing",
        "unknown-field",
        "scope",
    ],
)
def test_form_refusals_follow_rfc_6749(api, user, fields, error, named):
    response = post_form(api, LOGIN, **fields)

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error", "error_description"} and body["error"] == error, body
    if named:
        assert named in body["error_description"]
    assert "WWW-Authenticate" not in response


def test_the_refresh_form_rotates_and_refuses_reuse_with_invalid_grant(api, user):
    # given
    refresh = tokens_issue(user=user)["refresh"]

    # when
    first = post_form(api, REFRESH, grant_type="refresh_token", refresh_token=refresh)
    again = post_form(api, REFRESH, grant_type="refresh_token", refresh_token=refresh)

    # then
    assert first.status_code == 200, first.json()
    assert first.json()["token_type"] == "bearer" and first.json()["expires_in"] == 5 * 60
    assert claims(first.json()["access_token"])["user_id"] == str(user.id)
    assert first["Cache-Control"] == "no-store"
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    # the new refresh token works in either form
    assert api.post(REFRESH, {"refresh": first.json()["refresh_token"]}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"grant_type": "password", "refresh_token": "x"}, "unsupported_grant_type"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"refresh_token": "not-a-token"}, "invalid_grant"),
        ({"refresh_token": "not-a-token", "scope": "orders"}, "invalid_scope"),
    ],
    ids=["other-grant", "missing", "malformed-token", "scope"],
)
def test_refresh_form_refusals_follow_rfc_6749(api, fields, error):
    response = post_form(api, REFRESH, **fields)

    assert response.status_code == 400
    assert response.json()["error"] == error, response.json()


def test_the_json_bodies_keep_their_answers(api, user):
    login = api.post(LOGIN, {"email": "ann@example.com", "password": STRONG_PASSWORD}, format="json")
    refreshed = api.post(REFRESH, {"refresh": login.json()["refresh"]}, format="json")
    wrong = api.post(LOGIN, {"email": "ann@example.com", "password": "wrong-password-1"}, format="json")

    assert login.status_code == 200 and set(login.json()) == {"access", "refresh"}
    assert login["Cache-Control"] == "no-store"
    assert refreshed.status_code == 200 and set(refreshed.json()) == {"access", "refresh"}
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"].startswith("Bearer")


def test_the_json_bodies_refuse_unknown_fields(api, user):
    login = api.post(
        LOGIN, {"email": "ann@example.com", "password": STRONG_PASSWORD, "otp": 1}, format="json"
    )
    refresh = api.post(REFRESH, {"refresh": "x", "refresh_token": "x"}, format="json")

    assert login.status_code == 400 and "otp" in login.json()
    assert refresh.status_code == 400 and "refresh_token" in refresh.json()


def test_the_schema_documents_both_forms_and_the_password_flow(tmp_path):
    schema = yaml.safe_load(validated_schema(tmp_path))

    for path, form in (("/api/v1/auth/login/", "PasswordGrant"), ("/api/v1/auth/refresh/", "RefreshGrant")):
        operation = schema["paths"][path]["post"]
        content = operation["requestBody"]["content"]
        assert set(content) == {"application/json", FORM}
        assert content[FORM]["schema"]["$ref"] == f"#/components/schemas/{form}Request"
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "TokenAnswer"
        )
    answers = schema["components"]["schemas"]["TokenAnswer"]["oneOf"]
    assert [answer["$ref"].rsplit("/", 1)[1] for answer in answers] == ["TokenPair", "OAuth2Token"]
    oauth2 = schema["components"]["securitySchemes"]["oauth2"]
    assert oauth2["flows"]["password"]["tokenUrl"] == "/api/v1/auth/login/"
    assert {"oauth2": []} in schema["paths"]["/api/v1/users/me/"]["get"]["security"]
    assert {"jwtAuth": []} in schema["paths"]["/api/v1/users/me/"]["get"]["security"]

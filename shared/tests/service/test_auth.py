"""The shared bearer-token authentication and permissions, run under every service's settings: each
service verifies user_svc's tokens with the public key alone."""

from datetime import timedelta

import pytest
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import AccessToken

from shared.auth.permissions import IsOwnerOrStaff, IsPerson, IsService, IsStaff, IsStaffOrService
from shared.auth.principals import PlatformUser
from shared.testing import jwt

factory = APIRequestFactory()


def _probe(permission):
    class Probe(APIView):
        permission_classes = [permission]

        def get(self, request):
            user = request.user
            return Response(
                {
                    "id": str(user.id),
                    "is_staff": user.is_staff,
                    "is_service": user.is_service,
                    "email": getattr(user, "email", None),
                }
            )

    return Probe.as_view()


def _call(permission, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return _probe(permission)(factory.get("/probe", **headers))


def test_a_valid_access_token_authenticates_from_its_claims_alone():
    response = _call(IsAuthenticated, jwt.access_token(user_id="u-1", email="ann@example.com"))

    assert response.status_code == 200
    assert response.data == {"id": "u-1", "is_staff": False, "is_service": False, "email": "ann@example.com"}


def test_no_token_is_401_with_a_bearer_challenge():
    response = _call(IsAuthenticated)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda: jwt.access_token(lifetime=timedelta(seconds=-60)), id="expired"),
        pytest.param(lambda: jwt.foreign_key_token(user_id="u-1"), id="wrong-signature"),
        pytest.param(lambda: jwt.unsigned_token(user_id="u-1", is_staff=True), id="alg-none"),
        pytest.param(lambda: jwt.tampered_token(jwt.access_token(), is_staff=True), id="tampered"),
        pytest.param(lambda: jwt.public_key_as_hmac_secret_token(user_id="u-1"), id="hs256-with-public-key"),
        pytest.param(
            lambda: jwt.sign(jwt.claims(token_type="refresh", user_id="u-1")), id="refresh-as-access"
        ),
        pytest.param(lambda: jwt.sign(jwt.claims(user_id="u-1", iss="someone-else")), id="wrong-issuer"),
        pytest.param(lambda: "not.a.jwt", id="garbage"),
    ],
)
def test_hostile_tokens_are_refused(make_token):
    response = _call(IsAuthenticated, make_token())

    assert response.status_code == 401
    assert response.data["code"] == "token_not_valid"


def test_staff_only_refuses_a_customer_and_admits_staff():
    assert _call(IsStaff, jwt.access_token(is_staff=False)).status_code == 403
    assert _call(IsStaff, jwt.access_token(is_staff=True)).status_code == 200


def test_a_service_token_is_a_service_not_a_person_nor_staff():
    token = jwt.service_token("order")

    assert _call(IsService, token).data["id"] == "service:order"
    assert _call(IsStaffOrService, token).status_code == 200
    assert _call(IsStaff, token).status_code == 403
    assert _call(IsPerson, token).status_code == 403
    assert _call(IsService, jwt.access_token(is_staff=True)).status_code == 403


def test_owner_or_staff_compares_the_owner_with_the_token_user():
    class View:
        owner_field = "user_id"

    request = factory.get("/probe")
    permission = IsOwnerOrStaff()

    request.user = PlatformUser(AccessToken(jwt.access_token(user_id="u-1")))
    assert permission.has_object_permission(request, View(), {"user_id": "u-1"})
    assert not permission.has_object_permission(request, View(), {"user_id": "u-2"})
    request.user = PlatformUser(AccessToken(jwt.access_token(user_id="u-9", is_staff=True)))
    assert permission.has_object_permission(request, View(), {"user_id": "u-2"})

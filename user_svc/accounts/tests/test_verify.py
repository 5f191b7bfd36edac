import uuid

import pytest

from accounts.tests.conftest import client_for
from shared.testing import jwt

pytestmark = pytest.mark.django_db


def _url(user_id):
    return f"/api/v1/users/{user_id}/verify"


def test_staff_sees_whether_a_user_exists_and_is_active(staff_client, make_user):
    active = make_user(email="a@example.com")
    inactive = make_user(email="i@example.com", is_active=False)

    assert staff_client.get(_url(active.id)).json() == {
        "id": str(active.id),
        "exists": True,
        "is_active": True,
    }
    assert staff_client.get(_url(inactive.id)).json()["is_active"] is False
    missing = uuid.uuid4()
    assert staff_client.get(_url(missing)).json() == {"id": str(missing), "exists": False, "is_active": False}


def test_a_service_token_may_verify(api, user):
    response = api.get(_url(user.id), HTTP_AUTHORIZATION=f"Bearer {jwt.service_token('order')}")

    assert response.status_code == 200
    assert response.json()["exists"] is True


def test_a_customer_gets_403_for_any_id_so_cannot_enumerate(user_client, user, make_user):
    other = make_user(email="bob@example.com")

    assert user_client.get(_url(other.id)).status_code == 403
    assert user_client.get(_url(uuid.uuid4())).status_code == 403
    assert user_client.get(_url(user.id)).status_code == 403


def test_without_a_token_verify_is_401(api, user):
    assert api.get(_url(user.id)).status_code == 401


def test_a_malformed_id_is_a_json_404(staff_client):
    response = staff_client.get(_url("not-a-uuid"))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_forged_staff_token_is_refused(api, user):
    forged = jwt.tampered_token(client_for(user)._credentials["HTTP_AUTHORIZATION"].split()[1], is_staff=True)

    assert api.get(_url(user.id), HTTP_AUTHORIZATION=f"Bearer {forged}").status_code == 401

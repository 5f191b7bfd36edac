import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/users/me"


def test_me_shows_the_caller(user_client, user):
    response = user_client.get(URL)

    assert response.status_code == 200
    assert response.json()["id"] == str(user.id)
    assert response.json()["email"] == "ann@example.com"


def test_a_patch_naming_fields_it_may_not_change_is_refused_whole(user_client, user):
    response = user_client.patch(
        URL, {"first_name": "Annie", "email": "x@example.com", "is_staff": True, "id": "other"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {name: ["This field is read-only."] for name in ("email", "id", "is_staff")}
    before = user.first_name
    user.refresh_from_db()
    assert (user.first_name, user.email, user.is_staff) == (before, "ann@example.com", False)


def test_patch_changes_names(user_client, user):
    assert user_client.patch(URL, {"first_name": "Annie"}, format="json").status_code == 200
    user.refresh_from_db()
    assert user.first_name == "Annie"


def test_put_replaces_the_names(user_client, user):
    response = user_client.put(URL, {"first_name": "Ann", "last_name": "Lee"}, format="json")

    assert response.status_code == 200
    assert (response.json()["first_name"], response.json()["last_name"]) == ("Ann", "Lee")


def test_overlong_name_is_400(user_client):
    assert user_client.patch(URL, {"first_name": "x" * 151}, format="json").status_code == 400


def test_without_a_token_me_is_401(api):
    assert api.get(URL).status_code == 401


def test_a_token_for_a_deleted_user_is_401(user_client, user):
    user.delete()

    assert user_client.get(URL).status_code == 401


def test_a_service_token_is_not_a_person(api):
    from shared.testing import jwt

    response = api.get(URL, HTTP_AUTHORIZATION=f"Bearer {jwt.service_token('order')}")

    assert response.status_code == 403

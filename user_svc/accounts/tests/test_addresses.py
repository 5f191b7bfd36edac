import uuid

import pytest
from django.db import IntegrityError

from accounts.models import Address
from accounts.tests.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/users/me/addresses"
HOME = {"label": "Home", "line1": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "DE"}
WORK = {"label": "Work", "line1": "9 Side Rd", "city": "Paris", "postal_code": "75001", "country": "FR"}


def _defaults(user):
    return list(Address.objects.filter(user=user, is_default=True).values_list("label", flat=True))


def test_the_first_address_becomes_the_default(user_client, user):
    response = user_client.post(URL, HOME, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["is_default"] is True
    fields = {"id", "label", "line1", "line2", "city", "region", "postal_code", "country", "phone"}
    assert set(body) == fields | {"is_default"}


def test_a_new_default_replaces_the_old_one(user_client, user):
    user_client.post(URL, HOME, format="json")
    user_client.post(URL, {**WORK, "is_default": True}, format="json")

    assert _defaults(user) == ["Work"]


def test_a_non_default_address_leaves_the_default_alone(user_client, user):
    user_client.post(URL, HOME, format="json")
    user_client.post(URL, WORK, format="json")

    assert _defaults(user) == ["Home"]
    listed = user_client.get(URL).json()
    assert listed["count"] == 2
    assert [a["label"] for a in listed["results"]] == ["Home", "Work"]


def test_making_another_address_default_moves_the_flag(user_client, user):
    user_client.post(URL, HOME, format="json")
    work = user_client.post(URL, WORK, format="json").json()

    response = user_client.patch(f"{URL}/{work['id']}", {"is_default": True}, format="json")

    assert response.status_code == 200
    assert _defaults(user) == ["Work"]


def test_unsetting_the_only_default_is_refused(user_client, user):
    home = user_client.post(URL, HOME, format="json").json()

    response = user_client.patch(f"{URL}/{home['id']}", {"is_default": False}, format="json")

    assert response.status_code == 400
    assert _defaults(user) == ["Home"]


def test_deleting_the_default_promotes_the_oldest_remaining(user_client, user):
    home = user_client.post(URL, HOME, format="json").json()
    user_client.post(URL, WORK, format="json")

    response = user_client.delete(f"{URL}/{home['id']}")

    assert response.status_code == 204
    assert _defaults(user) == ["Work"]


def test_put_replaces_an_address(user_client):
    home = user_client.post(URL, HOME, format="json").json()

    response = user_client.put(
        f"{URL}/{home['id']}", {**HOME, "city": "Hamburg", "postal_code": "20095"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["city"] == "Hamburg"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "Germany"}, "country"),
        ({"line1": ""}, "line1"),
        ({"postal_code": "x" * 21}, "postal_code"),
    ],
)
def test_invalid_fields_are_400_naming_the_field(user_client, change, field):
    response = user_client.post(URL, {**HOME, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_another_users_address_is_404_for_every_method(user_client, make_user):
    other = make_user(email="bob@example.com")
    theirs = client_for(other).post(URL, HOME, format="json").json()
    path = f"{URL}/{theirs['id']}"

    assert user_client.get(path).status_code == 404
    assert user_client.patch(path, {"city": "X"}, format="json").status_code == 404
    assert user_client.put(path, HOME, format="json").status_code == 404
    assert user_client.delete(path).status_code == 404
    assert Address.objects.get(id=theirs["id"]).city == "Berlin"
    assert user_client.get(URL).json()["count"] == 0


def test_unknown_address_is_404(user_client):
    assert user_client.get(f"{URL}/{uuid.uuid4()}").status_code == 404


def test_the_database_refuses_two_defaults(user):
    Address.objects.create(user=user, line1="a", city="b", postal_code="c", country="DE", is_default=True)

    with pytest.raises(IntegrityError):
        Address.objects.create(user=user, line1="d", city="e", postal_code="f", country="DE", is_default=True)


def test_addresses_need_a_token(api):
    assert api.get(URL).status_code == 401


def test_list_is_paginated_and_costs_a_fixed_number_of_queries(user_client, user, django_assert_num_queries):
    for n in range(5):
        user_client.post(URL, {**HOME, "label": f"A{n}"}, format="json")

    with django_assert_num_queries(3):  # the caller, the count, the page
        page = user_client.get(URL, {"limit": 2, "offset": 2}).json()

    assert page["count"] == 5
    assert [a["label"] for a in page["results"]] == ["A2", "A3"]
    assert page["next"] and page["previous"]

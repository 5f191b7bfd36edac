import pytest

from accounts.models import User
from accounts.tests.conftest import STRONG_PASSWORD

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/register"


def test_register_creates_an_account_and_never_returns_the_password(api):
    response = api.post(
        URL,
        {"email": "Ann@Example.COM", "password": STRONG_PASSWORD, "first_name": "Ann"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "ann@example.com"
    assert body["first_name"] == "Ann"
    assert body["is_staff"] is False
    assert "password" not in body
    user = User.objects.get(id=body["id"])
    assert user.check_password(STRONG_PASSWORD)


def test_a_request_cannot_make_itself_staff(api):
    response = api.post(
        URL,
        {"email": "eve@example.com", "password": STRONG_PASSWORD, "is_staff": True, "is_superuser": True},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"is_staff", "is_superuser"}
    assert not User.objects.filter(email="eve@example.com").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"password": STRONG_PASSWORD}, "email"),
        ({"email": "ann@example.com"}, "password"),
        ({"email": "not-an-email", "password": STRONG_PASSWORD}, "email"),
        ({"email": ["ann@example.com"], "password": STRONG_PASSWORD}, "email"),
    ],
)
def test_missing_or_malformed_fields_are_400_naming_the_field(api, payload, field):
    response = api.post(URL, payload, format="json")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Sh0rt-pw", "too short"),
        ("password123", "too common"),
        ("4815162342", "entirely numeric"),
        ("annabelle.smith", "too similar"),
    ],
)
def test_weak_passwords_are_400_naming_the_failed_rule(api, password, rule):
    response = api.post(URL, {"email": "annabelle.smith@example.com", "password": password}, format="json")

    assert response.status_code == 400
    messages = " ".join(response.json()["password"])
    assert rule in messages
    assert not User.objects.filter(email="annabelle.smith@example.com").exists()


def test_duplicate_email_is_409_whatever_the_letter_case(api, make_user):
    make_user(email="ann@example.com")

    response = api.post(URL, {"email": "ANN@example.com", "password": STRONG_PASSWORD}, format="json")

    assert response.status_code == 409
    assert "email" in response.json()
    assert User.objects.filter(email="ann@example.com").count() == 1


def test_non_json_body_is_a_clear_4xx(api):
    response = api.post(URL, "email=ann@example.com", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert "detail" in response.json()

"""The staff console's account and address pages: changes go through the services' rules and locks."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts import services
from accounts.models import Address, User
from accounts.tests.test_races import Account
from shared.testing.fixtures import staff_browser_client

pytestmark = pytest.mark.django_db
ADDRESSES = "/admin/accounts/address/"
HOME = {"label": "Home", "line1": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "DE"}


@pytest.fixture
def staff(db):
    return staff_browser_client(email="root@example.com")


def _address(user, label, **fields):
    return services.address_create(user_id=user.pk, **{**HOME, "label": label, **fields})


def _form(address, **changes):
    """The change page's form as a browser posts it: every field, a ticked box present, an unticked one
    absent."""
    data = {name: getattr(address, name) for name in ("label", "line1", "line2", "city", "region")}
    data.update(postal_code=address.postal_code, country=address.country, phone=address.phone)
    if address.is_default:
        data["is_default"] = "on"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not False}


def _defaults(user):
    return list(Address.objects.filter(user=user, is_default=True).values_list("label", flat=True))


def test_a_change_in_the_admin_is_saved(staff, user):
    home = _address(user, "Home")

    response = staff.post(f"{ADDRESSES}{home.pk}/change/", _form(home, city="Hamburg", postal_code="20095"))

    assert response.status_code == 302
    home.refresh_from_db()
    assert (home.city, home.postal_code, home.is_default) == ("Hamburg", "20095", True)


def test_ticking_default_on_another_address_moves_the_flag(staff, user):
    _address(user, "Home")
    work = _address(user, "Work")

    response = staff.post(f"{ADDRESSES}{work.pk}/change/", _form(work, is_default="on"))

    assert response.status_code == 302
    assert _defaults(user) == ["Work"]


def test_unticking_the_default_is_a_form_error_and_changes_nothing(staff, user):
    home = _address(user, "Home")

    response = staff.post(f"{ADDRESSES}{home.pk}/change/", _form(home, is_default=False, city="Hamburg"))

    assert response.status_code == 200
    assert services.DEFAULT_STAYS in response.content.decode()
    home.refresh_from_db()
    assert (home.city, home.is_default) == ("Berlin", True)


def test_adding_a_default_in_the_admin_replaces_the_old_one(staff, user):
    _address(user, "Home")

    response = staff.post(
        f"{ADDRESSES}add/", {**HOME, "label": "Office", "user": user.pk, "is_default": "on"}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert _defaults(user) == ["Office"]


def test_the_first_address_added_in_the_admin_is_the_default(staff, user):
    response = staff.post(f"{ADDRESSES}add/", {**HOME, "user": user.pk})

    assert response.status_code == 302
    assert _defaults(user) == ["Home"]


def test_deleting_the_default_in_the_admin_promotes_the_oldest_remaining(staff, user):
    home = _address(user, "Home")
    _address(user, "Work")
    _address(user, "Office")

    response = staff.post(f"{ADDRESSES}{home.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert _defaults(user) == ["Work"]


def test_deleting_several_addresses_at_once_keeps_one_default(staff, user):
    home, work = _address(user, "Home"), _address(user, "Work")
    _address(user, "Office")

    response = staff.post(
        ADDRESSES, {"action": "delete_selected", "_selected_action": [home.pk, work.pk], "post": "yes"}
    )

    assert response.status_code == 302
    assert _defaults(user) == ["Office"]


def test_saving_an_address_deleted_meanwhile_does_not_bring_it_back(staff, user):
    home = _address(user, "Home")
    page = staff.get(f"{ADDRESSES}{home.pk}/change/")
    assert page.status_code == 200
    services.address_delete(user_id=user.pk, address_id=home.pk)  # by its owner, after staff opened it

    response = staff.post(f"{ADDRESSES}{home.pk}/change/", _form(home, city="Hamburg"))

    assert response.status_code == 302  # Django's "doesn't exist. Perhaps it was deleted?"
    assert not Address.objects.filter(user=user).exists()


def test_the_account_page_lists_addresses_read_only_with_a_link_to_each(staff, user):
    home = _address(user, "Home")

    page = staff.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()

    assert f"{ADDRESSES}{home.pk}/change/" in page
    assert 'name="addresses-0-city"' not in page


def _user_form(user, **changes):
    """The account page's form as a browser posts it, with the (read-only) address list's management form."""
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "is_active": "on",
        "addresses-TOTAL_FORMS": "0",
        "addresses-INITIAL_FORMS": "0",
        "addresses-MIN_NUM_FORMS": "0",
        "addresses-MAX_NUM_FORMS": "0",
    }
    data.update(changes)
    return data


def test_an_account_changed_in_the_admin_is_saved(staff, user):
    response = staff.post(f"/admin/accounts/user/{user.pk}/change/", _user_form(user, first_name="Annie"))

    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.first_name == "Annie"


def test_saving_an_account_deleted_meanwhile_does_not_bring_it_back(staff, user):
    user_id = user.pk
    User.objects.filter(pk=user_id).delete()

    response = staff.post(f"/admin/accounts/user/{user_id}/change/", _user_form(user, first_name="Ghost"))

    assert response.status_code == 302
    assert not User.objects.filter(pk=user_id).exists()


# For real, concurrently: the admin's request in a thread, the customer's on the live server. ------------


@pytest.mark.django_db(transaction=True)
def test_an_admin_change_queued_behind_the_owners_delete_finds_the_address_gone(
    live_server, make_user, owner_lock
):
    customer = Account(live_server, make_user())
    home = customer.add("Home")
    staff = staff_browser_client(email="root@example.com")
    address = Address.objects.get(pk=home)

    def admin_change():
        try:
            return staff.post(f"{ADDRESSES}{home}/change/", _form(address, city="Hamburg"))
        finally:
            connection.close()

    with owner_lock(customer.user) as held, ThreadPoolExecutor(max_workers=2) as pool:
        deleted = pool.submit(customer.delete, home)
        held.wait_for_waiters(1)
        changed = pool.submit(admin_change)
        held.wait_for_waiters(2)
        held.release()
        assert deleted.result().status_code == 204
        assert changed.result().status_code == 302

    assert not Address.objects.filter(pk=home).exists()


@pytest.mark.django_db(transaction=True)
def test_a_password_set_in_the_admin_keeps_a_profile_change_made_meanwhile(
    live_server, make_user, owner_lock
):
    customer = Account(live_server, make_user())
    staff = staff_browser_client(email="root@example.com")
    new_password = "admin-set-password-9"
    form = {"password1": new_password, "password2": new_password, "usable_password": "true"}

    def admin_password():
        try:
            return staff.post(f"/admin/accounts/user/{customer.user.pk}/password/", form)
        finally:
            connection.close()

    with owner_lock(customer.user) as held, ThreadPoolExecutor(max_workers=2) as pool:
        renamed = pool.submit(customer.patch_me, {"first_name": "Annie"})
        held.wait_for_waiters(1)
        password = pool.submit(admin_password)
        held.wait_for_waiters(2)
        held.release()
        assert renamed.result().status_code == 200
        assert password.result().status_code == 302

    user = User.objects.get(pk=customer.user.pk)
    assert user.first_name == "Annie"
    assert user.check_password(new_password)

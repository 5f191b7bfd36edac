"""user_svc's half of the one staff identity: the staff cookie maps to the account row itself.

The other services trust the token's claims until it expires (``shared.auth.staff.StaffTokenBackend``);
here the account is at hand, so a staff flag taken away or an account deactivated counts at once.
"""

from accounts.models import User


class StaffTokenBackend:
    def authenticate(self, request, staff_token=None):
        if staff_token is None:
            return None
        return User.objects.filter(id=staff_token["user_id"], is_active=True, is_staff=True).first()

    def get_user(self, user_id):
        return None  # nothing is kept in sessions: the cookie is read on every request

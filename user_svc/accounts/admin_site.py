"""user_svc's admin site: the platform's, with the staff login, logout and refresh of accounts.staff
in place of the redirects to here that the other services make."""

from django.urls import path

from shared.admin.site import PlatformAdminSite


class AccountsAdminSite(PlatformAdminSite):
    keeps_accounts = True

    def login(self, request, extra_context=None):
        from accounts.staff import StaffLoginView

        return StaffLoginView.as_view()(request)

    def logout(self, request, extra_context=None):
        from accounts.staff import staff_logout

        return staff_logout(request)

    def get_urls(self):
        from accounts.staff import staff_refresh

        return [path("refresh/", staff_refresh, name="staff_refresh"), *super().get_urls()]

"""The staff console every service shares: one admin site class, titled per service and linked to the
others, whose login is user_svc's (``shared.auth.staff``); and admin pages for documents that live
behind a repository instead of the ORM (``shared.admin.repository``).

Installed by the settings base as two apps: ``shared.admin`` (templates, static files) and
``shared.admin.apps.PlatformAdminConfig`` (Django's admin, with ``PlatformAdminSite`` as its site).
Import from the modules (``shared.admin.audit``, ``shared.admin.repository``): an app's package stays
free of imports that need the app registry.
"""

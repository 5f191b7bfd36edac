"""Admin pages for documents kept behind a repository (MongoDB) instead of Django's ORM.

Django's ``ModelAdmin`` is built on querysets, which a pymongo repository has none of. A
``RepositoryAdmin`` gives the same pages — a change list with search, filters, ordering and pages; add,
change and delete forms; per-object actions — inside the service's admin site, with the admin's
templates, look, login and permissions. A subclass says how to list, read and write through the
service's own selectors and services (never the collection), so history, outbox events and the saga
happen exactly as through the API:

    @admin.site.register_repository
    class ProductAdmin(RepositoryAdmin):
        app_label, slug = "products", "product"
        def list_objects(self, request, query): ...
        def get_object(self, request, object_id): ...

Every write that succeeds is recorded by ``shared.admin.audit`` (who, what, which fields or action).
Rows are dicts with an ``"id"``. Writes that the service refuses raise ``Invalid`` with a DRF-shaped
error dict ({field: [messages]}, non-field errors under ``"detail"`` or ``"non_field_errors"``), which the
form shows next to its fields.
"""

from math import ceil
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst

from shared.admin import audit
from shared.admin.listing import ListQuery, RepositoryFilter
from shared.admin.refusals import Invalid, add_errors, changed_fields, first_message

__all__ = ["Invalid", "ListQuery", "RepositoryAdmin", "RepositoryFilter"]

SEARCH_PARAM, ORDER_PARAM, PAGE_PARAM = "q", "o", "p"


class RepositoryAdmin:
    app_label = ""  # the Django app whose section of the admin index lists these pages
    slug = ""  # the URL segment and permission name: /admin/<app_label>/<slug>/
    verbose_name = ""
    verbose_name_plural = ""
    # (key, title) pairs: a key of the row dict, or the name of a method taking the row.
    list_display: list[tuple[str, str]] = []
    search_help_text = ""
    list_filters: list[RepositoryFilter] = []
    orderings: list[tuple[str, str]] = []  # (value, title); the first is the default
    list_per_page = 50
    form_class: type[forms.Form] | None = None  # None: objects cannot be added or edited here
    # (key, title) pairs shown read-only above the form (or alone without one).
    readonly_fields: list[tuple[str, str]] = []
    change_form_template = "admin/repository/change_form.html"
    change_list_template = "admin/repository/change_list.html"
    delete_template = "admin/repository/delete_confirmation.html"

    def __init__(self, admin_site):
        self.admin_site = admin_site

    # What a subclass provides ----------------------------------------------------------------

    def list_objects(self, request, query: ListQuery) -> tuple[int, list[dict]]:
        raise NotImplementedError

    def get_object(self, request, object_id: str) -> dict | None:
        raise NotImplementedError

    def create_object(self, request, data: dict) -> dict:
        raise NotImplementedError

    def update_object(self, request, obj: dict, data: dict) -> dict:
        raise NotImplementedError

    def delete_object(self, request, obj: dict) -> None:
        raise NotImplementedError

    def get_list_filters(self, request) -> list[RepositoryFilter]:
        """The sidebar's filters; override when their choices come from the data (read once a page)."""
        return self.list_filters

    def get_form_class(self, request, obj: dict | None):
        """The form for adding (``obj`` None) or changing ``obj``; None when it cannot be edited here."""
        return self.form_class

    def initial_data(self, obj: dict) -> dict:
        """The form's initial values for an existing object."""
        return dict(obj)

    def object_actions(self, request, obj: dict) -> list[tuple[str, str]]:
        """(name, title) of the actions this object allows now; each is a button on its page."""
        return []

    def run_action(self, request, obj: dict, name: str, reason: str) -> str:
        """Perform action ``name``; return the message for staff. Raise ``Invalid`` to refuse."""
        raise Invalid({"detail": [f"Unknown action {name!r}."]})

    def extra_context(self, request, obj: dict | None) -> dict:
        """More for the object's page (lines, history...), rendered by the subclass's template."""
        return {}

    def object_title(self, obj: dict) -> str:
        return str(obj.get("name") or obj["id"])

    # Permissions: Django's codenames, so user_svc-style permissions would apply unchanged --------

    def _perm(self, request, action):
        return request.user.has_perm(f"{self.app_label}.{action}_{self.slug}")

    def has_view_permission(self, request):
        return self._perm(request, "view") or self.has_change_permission(request)

    def has_add_permission(self, request):
        return self.get_form_class(request, None) is not None and self._perm(request, "add")

    def has_change_permission(self, request):
        return self._perm(request, "change")

    def has_delete_permission(self, request):
        return self._perm(request, "delete")

    # Wiring into the admin site ------------------------------------------------------------

    def _url_name(self, page):
        return f"{self.app_label}_{self.slug}_{page}"

    def url(self, page, *args):
        return reverse(f"{self.admin_site.name}:{self._url_name(page)}", args=args)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        base = f"{self.app_label}/{self.slug}/"
        return [
            path(base, wrap(self.changelist_view), name=self._url_name("changelist")),
            path(f"{base}add/", wrap(self.add_view), name=self._url_name("add")),
            path(f"{base}<str:object_id>/change/", wrap(self.change_view), name=self._url_name("change")),
            path(f"{base}<str:object_id>/delete/", wrap(self.delete_view), name=self._url_name("delete")),
            path(
                f"{base}<str:object_id>/action/<str:name>/",
                wrap(self.action_view),
                name=self._url_name("action"),
            ),
        ]

    def app_section(self, request):
        from django.apps import apps

        return {
            "name": apps.get_app_config(self.app_label).verbose_name,
            "app_label": self.app_label,
            "app_url": reverse(f"{self.admin_site.name}:app_list", kwargs={"app_label": self.app_label}),
            "has_module_perms": True,
            "models": [],
        }

    def app_list_entry(self, request):
        if not self.has_view_permission(request):
            return None
        return {
            "model": None,
            "name": capfirst(self.verbose_name_plural),
            "object_name": self.slug,
            "perms": {
                "view": True,
                "add": self.has_add_permission(request),
                "change": self.has_change_permission(request),
                "delete": self.has_delete_permission(request),
            },
            "admin_url": self.url("changelist"),
            "add_url": self.url("add") if self.has_add_permission(request) else None,
            "view_only": not self.has_change_permission(request),
        }

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": {"app_label": self.app_label, "verbose_name": self.verbose_name},
            "app_label": self.app_label,
            "repository": self,
            "verbose_name": self.verbose_name,
            "verbose_name_plural": self.verbose_name_plural,
            "changelist_url": self.url("changelist"),
            "app_url": reverse(f"{self.admin_site.name}:app_list", kwargs={"app_label": self.app_label}),
            "app_name": self.app_section(request)["name"],
            **extra,
        }

    # Pages -------------------------------------------------------------------------------

    def changelist_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        list_filters = self.get_list_filters(request)
        query, selected = self._list_query(request, list_filters)
        total, rows = self.list_objects(request, query)
        pages = max(1, ceil(total / query.limit))
        page = query.offset // query.limit + 1
        if page > pages:  # past the end (a bookmark, fewer objects now): the last page instead
            return HttpResponseRedirect(self._query_string(request, **{PAGE_PARAM: pages}))
        context = self._context(
            request,
            title=f"Select {self.verbose_name} to change"
            if self.has_change_permission(request)
            else f"Select {self.verbose_name} to view",
            rows=[self._row(row) for row in rows],
            headers=[title for _, title in self.list_display],
            total=total,
            search=query.search,
            filters=self._filter_links(request, list_filters, selected),
            orderings=[
                (value, title, value == query.ordering, self._query_string(request, **{ORDER_PARAM: value}))
                for value, title in self.orderings
            ],
            page=page,
            pages=pages,
            previous_url=self._query_string(request, **{PAGE_PARAM: page - 1}) if page > 1 else None,
            next_url=self._query_string(request, **{PAGE_PARAM: page + 1}) if page < pages else None,
            add_url=self.url("add") if self.has_add_permission(request) else None,
            kept_params=[(k, v) for k, v in request.GET.items() if k not in {SEARCH_PARAM, PAGE_PARAM}],
        )
        return TemplateResponse(request, self.change_list_template, context)

    def add_view(self, request):
        form_class = self.get_form_class(request, None)
        if form_class is None or not self.has_add_permission(request):
            raise PermissionDenied
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                obj = self.create_object(request, form.cleaned_data)
            except Invalid as refused:
                add_errors(form, refused.errors)
            else:
                self._audit(request, "add", obj, self.object_title(obj))
                messages.success(request, self._done(obj, "added"))
                return HttpResponseRedirect(self._after_save(request, obj))
        return self._render_form(request, form, None, title=f"Add {self.verbose_name}")

    def change_view(self, request, object_id):
        obj = self._get_or_404(request, object_id)
        form_class = self.get_form_class(request, obj)
        can_change = self.has_change_permission(request) and form_class is not None
        if request.method == "POST" and not can_change:
            raise PermissionDenied
        form = None
        if can_change:
            form = form_class(request.POST or None, initial=self.initial_data(obj))
            if request.method == "POST" and form.is_valid():
                changed = changed_fields(form)
                try:
                    obj = self.update_object(request, obj, changed)
                except Invalid as refused:
                    add_errors(form, refused.errors)
                else:
                    self._audit(request, "change", obj, "changed " + ", ".join(sorted(changed)))
                    messages.success(
                        request, f"The {self.verbose_name} “{self.object_title(obj)}” was changed."
                    )
                    return HttpResponseRedirect(self._after_save(request, obj))
        verb = "Change" if can_change else "View"
        return self._render_form(request, form, obj, title=f"{verb} {self.verbose_name}")

    def delete_view(self, request, object_id):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        obj = self._get_or_404(request, object_id)
        if request.method == "POST":
            try:
                self.delete_object(request, obj)
            except Invalid as refused:
                messages.error(request, first_message(refused.errors))
                return HttpResponseRedirect(self.url("change", obj["id"]))
            self._audit(request, "delete", obj, self.object_title(obj))
            messages.success(request, self._done(obj, "deleted"))
            return HttpResponseRedirect(self.url("changelist"))
        context = self._context(
            request, title="Are you sure?", object=obj, object_title=self.object_title(obj)
        )
        return TemplateResponse(request, self.delete_template, context)

    def action_view(self, request, object_id, name):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        obj = self._get_or_404(request, object_id)
        if name not in dict(self.object_actions(request, obj)):
            messages.error(request, f"“{name}” is not possible for this {self.verbose_name} now.")
            return HttpResponseRedirect(self.url("change", obj["id"]))
        reason = request.POST.get("reason", "").strip()[:500]
        try:
            done = self.run_action(request, obj, name, reason)
        except Invalid as refused:
            messages.error(request, first_message(refused.errors))
        else:
            self._audit(request, name, obj, f"{done} {reason}".strip())
            messages.success(request, done)
        return HttpResponseRedirect(self.url("change", obj["id"]))

    # Helpers -------------------------------------------------------------------------------

    def _audit(self, request, action, obj, summary):
        kind = f"{self.app_label}.{self.slug}"
        audit.record(request, action, kind=kind, object_id=obj["id"], summary=summary)

    def _done(self, obj, verb):
        return f"The {self.verbose_name} “{self.object_title(obj)}” was {verb}."

    def _get_or_404(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(f"No {self.verbose_name} with id {object_id}.")
        return obj

    def _after_save(self, request, obj):
        if "_continue" in request.POST:
            return self.url("change", obj["id"])
        if "_addanother" in request.POST:
            return self.url("add")
        return self.url("changelist")

    def _render_form(self, request, form, obj, *, title):
        context = self._context(
            request,
            title=title,
            form=form,
            object=obj,
            object_title=self.object_title(obj) if obj else "",
            readonly=[(label, self._value(obj, key)) for key, label in self.readonly_fields] if obj else [],
            actions=[
                (name, title, self.url("action", obj["id"], name))
                for name, title in (self.object_actions(request, obj) if obj else [])
            ]
            if self.has_change_permission(request)
            else [],
            delete_url=self.url("delete", obj["id"]) if obj and self.has_delete_permission(request) else None,
            **self.extra_context(request, obj),
        )
        return TemplateResponse(request, self.change_form_template, context)

    def _list_query(self, request, list_filters):
        orderings = [value for value, _ in self.orderings]
        ordering = request.GET.get(ORDER_PARAM, "")
        if ordering not in orderings:
            ordering = orderings[0] if orderings else ""
        try:
            page = max(1, int(request.GET.get(PAGE_PARAM, "1")))
        except ValueError:
            page = 1
        selected = {}
        for choice_filter in list_filters:
            value = request.GET.get(choice_filter.name, "").strip()
            if value:
                selected[choice_filter.name] = value[:200]
        query = ListQuery(
            search=request.GET.get(SEARCH_PARAM, "").strip()[:100],
            filters=selected,
            ordering=ordering,
            offset=(page - 1) * self.list_per_page,
            limit=self.list_per_page,
        )
        return query, selected

    def _filter_links(self, request, list_filters, selected):
        shown = []
        for choice_filter in list_filters:
            current = selected.get(choice_filter.name, "")
            links = [("All", not current, self._query_string(request, **{choice_filter.name: None}))]
            links += [
                (title, current == value, self._query_string(request, **{choice_filter.name: value}))
                for value, title in choice_filter.choices
            ]
            shown.append({"filter": choice_filter, "value": current, "links": links})
        return shown

    def _query_string(self, request, **changes):
        params = dict(request.GET.items())
        if PAGE_PARAM not in changes:
            params.pop(PAGE_PARAM, None)  # a new filter or order starts on page 1
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return "?" + urlencode(params)

    def _value(self, row, key):
        # A key of the row first, so a column never calls an admin method that happens to share its name.
        method = None if key in row else getattr(self, key, None)
        value = method(row) if callable(method) else row.get(key)
        return "—" if value in (None, "") else value

    def _row(self, row):
        cells = [self._value(row, key) for key, _ in self.list_display]
        return {"id": row["id"], "url": self.url("change", row["id"]), "cells": cells}

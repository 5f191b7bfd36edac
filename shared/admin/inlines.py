"""Inlines staff read but never edit in place: what they show changes through its own page or service."""


class ReadOnlyInlineMixin:
    """An inline with no add, change or delete: rows to look at (a history, rows with rules of their own)."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""Permission classes every service uses; object checks answer 404-worthy False for others' objects."""

from rest_framework.permissions import BasePermission


def _is_person(user):
    return bool(user and user.is_authenticated and not getattr(user, "is_service", False))


class IsPerson(BasePermission):
    """An authenticated person, staff or not; service tokens are refused."""

    def has_permission(self, request, view):
        return _is_person(request.user)


class IsStaff(BasePermission):
    """A staff person (``is_staff`` claim)."""

    def has_permission(self, request, view):
        return _is_person(request.user) and bool(request.user.is_staff)


class IsService(BasePermission):
    """Another service of the platform, authenticated with a service token."""

    def has_permission(self, request, view):
        return bool(getattr(request.user, "is_service", False))


class IsStaffOrService(BasePermission):
    def has_permission(self, request, view):
        return IsStaff().has_permission(request, view) or IsService().has_permission(request, view)


class IsOwnerOrStaff(BasePermission):
    """A person who owns the object (``view.owner_field``, default ``user_id``), or staff.

    Views should also filter their querysets by owner, so that another user's object is a 404
    rather than a 403 (its existence is not revealed).
    """

    def has_permission(self, request, view):
        return _is_person(request.user)

    def has_object_permission(self, request, view, obj):
        if request.user.is_staff:
            return True
        owner_field = getattr(view, "owner_field", "user_id")
        owner = obj.get(owner_field) if isinstance(obj, dict) else getattr(obj, owner_field, None)
        return str(owner) == str(request.user.id)

"""Errors in DRF's JSON shape: handlers for what happens outside DRF views (unknown URLs, crashes),
and the API exceptions DRF lacks."""

import sys

from django.http import JsonResponse
from rest_framework.exceptions import APIException

from shared import outages


def not_found(request, exception=None):
    return JsonResponse({"detail": "Not found."}, status=404)


def server_error(request):
    """500, or the 503 of ``shared.outages`` when what escaped was a dependency's outage (Django calls
    this handler while it handles the exception, so ``sys.exc_info()`` holds it)."""
    exc = sys.exc_info()[1]
    dependency = outages.dependency_of(exc)
    if dependency is not None:
        return outages.unavailable_response(dependency, exc)
    return JsonResponse({"detail": "Internal server error."}, status=500)


def bad_request(request, exception=None):
    return JsonResponse({"detail": "Bad request."}, status=400)


def permission_denied(request, exception=None):
    return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)


class Conflict(APIException):
    """409: the request clashes with the current state (a duplicate, a transition not allowed)."""

    status_code = 409
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"

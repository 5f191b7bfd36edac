"""HTTP middleware every service installs first."""

import logging
import re
import time

from django.conf import settings
from django.urls import get_script_prefix, set_script_prefix

from shared.correlation import clean_request_id, reset_request_id, set_request_id

REQUEST_ID_HEADER = "X-Request-ID"
# One path segment, as the gateway sends it ("/inventory"); anything else is ignored.
FORWARDED_PREFIX = re.compile(r"^/[a-z][a-z0-9_-]{0,31}$")
logger = logging.getLogger("shared.request")


class RequestIdMiddleware:
    """Adopt the caller's ``X-Request-ID`` (or mint one), echo it, and log the request once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = clean_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = set_request_id(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            # Which service answered: lets the gateway tests (and people debugging) see the route taken.
            response["X-Service"] = settings.SERVICE_NAME
            level = logging.DEBUG if request.path.startswith("/health/") else logging.INFO
            logger.log(
                level,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return response
        finally:
            reset_request_id(token)


class ForwardedPrefixMiddleware:
    """Serve under the prefix the gateway strips (``X-Forwarded-Prefix: /inventory``).

    The gateway maps ``/inventory/admin/...`` to this service's ``/admin/...``; with the prefix as the
    script name, the admin's and the docs' links, redirects and login ``next`` URLs keep it.
    The value only shapes the URLs this service prints, so no trust in the sender is needed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = request.headers.get("X-Forwarded-Prefix", "")
        if not FORWARDED_PREFIX.match(prefix):
            return self.get_response(request)
        request.META["SCRIPT_NAME"] = prefix
        request.path = prefix + request.path_info
        previous = get_script_prefix()
        set_script_prefix(prefix + "/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(previous)  # the prefix is per thread: never leak it into the next request

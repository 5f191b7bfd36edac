"""HTTP middleware every service installs first."""

import logging
import time

from django.conf import settings

from shared.correlation import clean_request_id, reset_request_id, set_request_id

REQUEST_ID_HEADER = "X-Request-ID"
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

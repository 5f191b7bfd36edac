"""Health endpoints. Plain Django views: no authentication, no throttling, no database session."""

from concurrent.futures import ThreadPoolExecutor, TimeoutError, wait

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from shared.health.checks import CHECKS, TIMEOUT_SECONDS

# Checks run side by side so readiness costs the slowest dependency, not the sum of them.
_executor = ThreadPoolExecutor(max_workers=6, thread_name_prefix="health")


@require_GET
def live(request):
    return JsonResponse({"status": "ok", "service": settings.SERVICE_NAME})


@require_GET
def ready(request):
    names = list(settings.HEALTH_CHECKS)
    futures = {name: _executor.submit(CHECKS[name]) for name in names}
    wait(futures.values(), timeout=TIMEOUT_SECONDS + 1)
    results = {name: _outcome(future) for name, future in futures.items()}
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "service": settings.SERVICE_NAME, "checks": results},
        status=200 if healthy else 503,
    )


def _outcome(future):
    if not future.done():
        return "error: timed out"
    try:
        future.result(timeout=0)
    except TimeoutError:
        return "error: timed out"
    except Exception as exc:  # a readiness probe reports any failure, whatever its type
        return f"error: {type(exc).__name__}: {exc}"[:300]
    return "ok"

"""What every refusal looks like through the gateway: the exact status and a JSON error body."""

import requests


def assert_refused(response: requests.Response, status: int) -> dict:
    """Check that ``response`` is ``status`` with DRF's error shape (``detail`` or field errors); return the
    body."""
    request = response.request
    assert response.status_code == status, (
        f"{request.method} {request.url}: {response.status_code} {response.text[:300]}"
    )
    assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
    body = response.json()
    assert isinstance(body, dict) and body, body
    return body

"""Issue 17: with Redis unreachable, login still answers and is still throttled, by each process's own
counters (accounts.fallback_cache), and the log says so once. Redis is made unreachable for real: the
throttle's cache points at a port nobody listens on (tests/security/test_login_redis_down.py stops the stack's
Redis itself)."""

import logging
import time

import pytest
from django.core.cache import caches
from django.test import Client

from accounts import fallback_cache
from accounts.tests.conftest import STRONG_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/api/v1/auth/login"
DEAD_REDIS = "redis://127.0.0.1:1/0"  # port 1: connection refused


def redis_cache(settings, location):
    return {**settings.CACHES["default"], "LOCATION": location, "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5}}


@pytest.fixture(autouse=True)
def _unreachable_redis(settings):
    settings.CACHES = {**settings.CACHES, "flaky": redis_cache(settings, DEAD_REDIS)}
    settings.LOGIN_THROTTLE_CACHES = ("flaky", "local")
    fallback_cache._outages.clear()
    caches["local"].clear()
    yield
    fallback_cache._outages.clear()
    caches["local"].clear()


def outage_warnings(caplog):
    return [r for r in caplog.records if r.name == fallback_cache.__name__ and r.levelno == logging.WARNING]


def login(api, password, email="ann@example.com"):
    return api.post(LOGIN, {"email": email, "password": password}, format="json")


def test_login_answers_and_the_local_limit_holds_while_redis_is_unreachable(api, user, caplog):
    # when
    right = login(api, STRONG_PASSWORD)
    wrong = [login(api, f"guess-{i}").status_code for i in range(4)]
    blocked = login(api, STRONG_PASSWORD)

    # then: the five attempts of the minute, then 429, counted in this process
    assert right.status_code == 200, right.json()
    assert wrong == [401] * 4
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    # one warning for the outage, not one per request
    [warning] = outage_warnings(caplog)
    assert "unreachable" in warning.getMessage() and "ConnectionError" in warning.getMessage()
    assert warning.event == "login_throttle_degraded"


def test_the_staff_login_shares_the_local_counters(api, make_user):
    make_user(email="staff@example.com", is_staff=True)
    client = Client()
    for i in range(5):
        assert (
            client.post("/admin/login/", {"username": "staff@example.com", "password": f"g-{i}"}).status_code
            == 200
        )

    assert login(api, STRONG_PASSWORD, email="staff@example.com").status_code == 429


def test_back_to_redis_when_it_answers_again(api, user, settings, monkeypatch, caplog):
    # given: an outage noticed, with Redis retried after half a second
    monkeypatch.setattr(fallback_cache, "RETRY_SECONDS", 0.5)
    assert login(api, "wrong-password-1").status_code == 401
    counters = fallback_cache.FallbackCache(*settings.LOGIN_THROTTLE_CACHES)
    assert counters.in_outage()

    # when: Redis answers again (the alias now reaches the stack's Redis)
    settings.CACHES = {
        **settings.CACHES,
        "flaky": redis_cache(settings, settings.CACHES["default"]["LOCATION"]),
    }
    within_the_pause = login(api, "wrong-password-2")
    still_local = counters.in_outage()
    time.sleep(0.6)
    after_the_pause = login(api, "wrong-password-3")

    # then: not retried within the pause, then used again, and the log says both
    assert within_the_pause.status_code == after_the_pause.status_code == 401
    assert still_local and not counters.in_outage()
    degraded, restored = outage_warnings(caplog)
    assert degraded.event == "login_throttle_degraded"
    assert restored.event == "login_throttle_restored" and restored.failed_calls == 1
    assert "answers again" in restored.getMessage()

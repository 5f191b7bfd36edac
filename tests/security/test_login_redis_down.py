"""Issue 17: with the stack's Redis stopped, where the login throttle keeps its counters, login still
answers (it was a 500) and still throttles guesses, each user_svc process with counters of its own; the
log says so once per process, not once per request. Redis is started again, and every service is ready,
before the test ends.
"""

import time
from contextlib import contextmanager

import pytest
import requests

from shared.testing.gateway import PASSWORD
from shared.testing.stack import service_env, stack
from shared.testing.waiting import wait_for
from tests.conftest import REPO_DIR
from tests.security.logins import (
    api_login,
    client_of_its_own,
    form_login,
    new_customer_email,
    new_staff_email,
    staff_login,
)

pytestmark = pytest.mark.slow
PER_ACCOUNT = 5  # LOGIN_RATE_PER_ACCOUNT of the local stack
LOGS = REPO_DIR / ".stack" / "logs"
ANSWER_SECONDS = 5  # a login that waited on Redis timeouts would take longer
# user_svc's fallback cache tries Redis again this long after an outage's last failure
# (accounts/fallback_cache.py RETRY_SECONDS); until then a process still counts in its own memory.
FALLBACK_RETRY_SECONDS = 5


def user_web_processes() -> list[str]:
    return [
        line.split(":", 1)[0]
        for line in (REPO_DIR / "deploy" / "Procfile").read_text().splitlines()
        if line.startswith("user-web-")
    ]


def process_count() -> int:
    """How many processes answer user_svc's API: each keeps its own counters while Redis is away."""
    return len(user_web_processes()) * int(service_env("user").get("GUNICORN_WORKERS", "2"))


def log_sizes() -> dict:
    return {name: (LOGS / f"{name}.log").stat().st_size for name in user_web_processes()}


def log_lines_since(sizes: dict) -> list[str]:
    lines = []
    for name, size in sizes.items():
        with open(LOGS / f"{name}.log", "rb") as log:
            log.seek(size)
            lines += log.read().decode(errors="replace").splitlines()
    return lines


@contextmanager
def redis_stopped(gateway_url):
    """Redis stopped for the block; then started, and every service ready again, whatever happened."""
    stack("stop", "redis")
    try:
        yield
    finally:
        stack("start", "redis")  # waits until Redis answers PING
        wait_for(
            lambda: requests.get(f"{gateway_url}/health", timeout=10).status_code == 200,
            timeout=60,
            what="every service ready again after Redis restarted",
        )
        # So that the tests after this one meet the shared counters again, not a process's own.
        time.sleep(FALLBACK_RETRY_SECONDS + 1)


def timed(call, *args):
    started = time.monotonic()
    response = call(*args)
    return response, time.monotonic() - started


def test_login_answers_and_still_throttles_while_redis_is_stopped(gateway_url):
    # given: two customers and a staff member, made while Redis runs; one customer is guessed at
    customer, victim, staff = (
        new_customer_email(gateway_url),
        new_customer_email(gateway_url),
        new_staff_email(),
    )
    client, processes, sizes = client_of_its_own(gateway_url), process_count(), log_sizes()

    with redis_stopped(gateway_url):
        # when: the right password, in both forms
        (by_json, json_seconds), (by_form, form_seconds) = (
            timed(api_login, client, customer, PASSWORD),
            timed(form_login, client, customer, PASSWORD),
        )
        refreshed = client.post(
            f"{gateway_url}/api/v1/auth/refresh/", json={"refresh": by_json.json()["refresh"]}, timeout=10
        )
        staff_in = staff_login(client, staff, PASSWORD)
        # and wrong guesses until one is refused: each process allows the limit on its own
        guesses = []
        for i in range(processes * PER_ACCOUNT + 1):
            guesses.append(api_login(client, victim, f"guess-{i}-wrong"))
            if guesses[-1].status_code != 401:
                break
        lines = log_lines_since(sizes)

    # then: logged in, promptly
    assert by_json.status_code == 200 and set(by_json.json()) == {"access", "refresh"}, by_json.text
    assert by_form.status_code == 200 and by_form.json()["token_type"] == "bearer", by_form.text
    assert max(json_seconds, form_seconds) < ANSWER_SECONDS
    # nothing else on the way needs Redis: the refresh and the staff login work too
    assert refreshed.status_code == 200, refreshed.text
    assert staff_in.status_code == 302 and "staff_access" in staff_in.cookies, staff_in.text[:300]
    # the guesses met 429 within (processes x limit) + 1 attempts: loosened, not lifted
    statuses = [response.status_code for response in guesses]
    assert statuses[-1] == 429, statuses
    assert PER_ACCOUNT <= statuses.count(401) <= processes * PER_ACCOUNT, statuses
    assert int(guesses[-1].headers["Retry-After"]) > 0
    # and the log said so: a warning per process that noticed, not one per request
    degraded = [line for line in lines if "login_throttle_degraded" in line]
    assert 1 <= len(degraded) <= processes, degraded
    assert all('"level": "WARNING"' in line for line in degraded)
    assert not [line for line in lines if '"status": 500' in line], "a request failed while Redis was down"

"""The token rules of the gateway client (shared.testing.gateway.accounts), run without I/O: each step is
answered here, as either face would answer it."""

import base64
import json
import time

from shared.testing.gateway import Account, Answer, Refused
from shared.testing.gateway.accounts import (
    REFRESH_RETRY_S,
    RENEW_AFTER_S,
    Pause,
    Request,
    logging_in,
    renewing,
)


def token(user_id: str) -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"user_id": user_id}).encode()).rstrip(b"=").decode()
    return f"header.{payload}.signature"


def pair(user_id="u-1", refresh="r-2") -> Answer:
    return Answer(200, {"access": token(user_id), "refresh": refresh})


def logged_in(*, age: float) -> Account:
    account = Account("ann@example.com")
    account.take(pair(refresh="r-1").body)
    account.issued = time.monotonic() - age
    return account


def run(steps, *answers) -> list:
    """Every step taken, each request answered with the next of ``answers``; then Refused, if raised."""
    taken, answer, answers = [], None, iter(answers)
    try:
        while True:
            step = steps.send(answer)
            taken.append(step)
            answer = next(answers) if isinstance(step, Request) else None
    except StopIteration:
        return taken
    except Refused as refused:
        return [*taken, refused]


def test_a_token_younger_than_renew_after_is_kept():
    account = logged_in(age=RENEW_AFTER_S - 5)

    assert run(renewing(account)) == []


def test_a_due_token_is_renewed_with_the_refresh_token():
    # given
    account = logged_in(age=RENEW_AFTER_S + 1)

    # when
    taken = run(renewing(account), pair(user_id="u-1", refresh="r-2"))

    # then
    assert [(step.what, step.body) for step in taken] == [("refresh", {"refresh": "r-1"})]
    assert (account.refresh, account.user_id) == ("r-2", "u-1")
    assert time.monotonic() - account.issued < 1


def test_a_refused_refresh_token_means_logging_in_again():
    account = logged_in(age=RENEW_AFTER_S + 1)

    taken = run(renewing(account), Answer(401, None, "http_401"), pair(refresh="r-3"))

    assert [step.what for step in taken] == ["refresh", "login"]
    assert account.refresh == "r-3"


def test_a_refresh_without_a_usable_answer_keeps_the_pair_and_waits_before_the_next_try():
    # given
    account = logged_in(age=RENEW_AFTER_S + 1)

    # when: user_svc is down
    run(renewing(account), Answer(503, None, "http_503"))

    # then: the old pair is kept, and the next use tries again only REFRESH_RETRY_S later
    assert account.refresh == "r-1"
    assert run(renewing(account)) == []
    account.retry_refresh_at -= REFRESH_RETRY_S
    assert [step.what for step in run(renewing(account), pair())] == ["refresh"]


def test_a_forced_renewal_ignores_age_and_the_wait():
    account = logged_in(age=0)
    account.retry_refresh_at = time.monotonic() + 60

    assert [step.what for step in run(renewing(account, force=True), pair())] == ["refresh"]


def test_logging_in_waits_out_a_throttle_then_gives_up_after_its_attempts():
    account = Account("ann@example.com")
    throttled, down = Answer(429, None, "http_429"), Answer(error="connection error")

    *taken, outcome = run(logging_in(account, attempts=3), throttled, down, down)

    assert [step.what if isinstance(step, Request) else step for step in taken] == [
        "login", Pause(3.0), "login", Pause(1.0), "login"
    ]  # fmt: skip
    assert isinstance(outcome, Refused)
    assert account.access == ""


def test_one_attempt_is_one_login():
    account = Account("ann@example.com")

    assert [step.what for step in run(logging_in(account), pair(user_id="u-9"))] == ["login"]
    assert account.user_id == "u-9"

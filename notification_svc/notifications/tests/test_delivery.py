"""SMTP hand-over: bounded attempts, growing waits, and a time budget, against a refused port."""

import time

from notifications.delivery import deliver_email


def test_a_refused_connection_is_retried_with_doubling_waits_and_reported_not_raised(settings, smtp_down):
    settings.NOTIFICATION_SEND_ATTEMPTS = 3
    settings.NOTIFICATION_SEND_BACKOFF_MS = 100
    started = time.monotonic()

    result = deliver_email(recipient="ops@example.test", subject="s", body="b")

    assert 0.3 <= time.monotonic() - started < 2  # 0.1 s, then 0.2 s
    assert (result.delivered, result.attempts) == (False, 3)
    assert result.error.startswith("ConnectionRefusedError")


def test_no_attempt_starts_after_the_time_budget(settings, smtp_down):
    settings.NOTIFICATION_SEND_ATTEMPTS = 10
    settings.NOTIFICATION_SEND_BACKOFF_MS = 100
    settings.NOTIFICATION_SEND_BUDGET_MS = 250

    result = deliver_email(recipient="ops@example.test", subject="s", body="b")

    # Attempt 1 at 0 s, attempt 2 at 0.1 s; the next would start at 0.3 s, past the budget.
    assert (result.delivered, result.attempts) == (False, 2)


def test_a_delivered_email_takes_one_attempt(settings, recipient):
    result = deliver_email(recipient=recipient(), subject="s", body="b", html_body="<p>b</p>")

    assert (result.delivered, result.attempts, result.error) == (True, 1, "")

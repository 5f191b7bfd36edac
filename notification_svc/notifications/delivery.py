"""Handing one email to the SMTP server, with a bounded number of attempts and a growing wait between
them. No database here: the caller records the outcome."""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger("notifications.delivery")

MAX_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class DeliveryResult:
    delivered: bool
    attempts: int
    error: str = ""


def deliver_email(*, recipient: str, subject: str, body: str, html_body: str = "") -> DeliveryResult:
    """Send plain text (and HTML, when given) to ``recipient``; never raise for a delivery failure.

    Up to NOTIFICATION_SEND_ATTEMPTS tries, waiting NOTIFICATION_SEND_BACKOFF_MS after the first failure
    and twice as long after each next one (0.5 s, 1 s, ... by default). No attempt starts later than
    NOTIFICATION_SEND_BUDGET_MS after the first, and each is bounded by EMAIL_TIMEOUT: a send made
    during an API request ends well within gunicorn's and the gateway's 30 s, even against a hung server.
    """
    attempts_allowed = max(1, settings.NOTIFICATION_SEND_ATTEMPTS)
    wait = settings.NOTIFICATION_SEND_BACKOFF_MS / 1000
    last_start = time.monotonic() + settings.NOTIFICATION_SEND_BUDGET_MS / 1000
    attempt, error = 0, ""
    while attempt < attempts_allowed:
        attempt += 1
        message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        if html_body:
            message.attach_alternative(html_body, "text/html")
        try:
            message.send(fail_silently=False)
        # Whatever stops the hand-over (refused connection, timeout, SMTP error, a malformed address)
        # is recorded on the notification for staff to see and retry; it must not stop the caller.
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
            logger.warning(
                "email to %s failed (attempt %d of %d): %s",
                recipient,
                attempt,
                attempts_allowed,
                error,
                extra={"recipient": recipient, "attempt": attempt},
            )
            if attempt == attempts_allowed or time.monotonic() + wait > last_start:
                break
            time.sleep(wait)
            wait *= 2
        else:
            return DeliveryResult(delivered=True, attempts=attempt)
    return DeliveryResult(delivered=False, attempts=attempt, error=error)

"""Email through Django's SMTP backend lands in Mailpit, and Mailpit's API reads it back."""

import time
import uuid

import django
import pytest
import requests
from django.conf import settings

from tests.conftest import service_env


@pytest.fixture(scope="module")
def smtp_connection():
    env = service_env("notification")
    if not settings.configured:
        settings.configure(DEFAULT_FROM_EMAIL="shop@localhost")
        django.setup()
    from django.core.mail import get_connection

    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=env["EMAIL_HOST"],
        port=int(env["EMAIL_PORT"]),
        timeout=10,
        fail_silently=False,
    )


def test_email_sent_through_django_smtp_is_readable_in_mailpit(smtp_connection, mailpit_url):
    from django.core.mail import EmailMultiAlternatives

    subject = f"Low stock {uuid.uuid4().hex[:8]}"
    message = EmailMultiAlternatives(
        subject, "SKU-1: 3 left", "shop@localhost", ["ops@example.com"], connection=smtp_connection
    )
    message.attach_alternative("<p>SKU-1: <b>3</b> left</p>", "text/html")

    assert message.send() == 1

    summary = _wait_for_message(mailpit_url, subject)
    full = requests.get(f"{mailpit_url}/api/v1/message/{summary['ID']}", timeout=5).json()
    assert [to["Address"] for to in full["To"]] == ["ops@example.com"]
    assert full["From"]["Address"] == "shop@localhost"
    assert full["Text"].strip() == "SKU-1: 3 left"
    assert "<b>3</b>" in full["HTML"]


def _wait_for_message(mailpit_url, subject, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = requests.get(
            f"{mailpit_url}/api/v1/search", params={"query": f'subject:"{subject}"'}, timeout=5
        ).json()
        if found["messages"]:
            assert len(found["messages"]) == 1
            return found["messages"][0]
        time.sleep(0.2)
    raise AssertionError(f"no message with subject {subject!r} reached Mailpit")

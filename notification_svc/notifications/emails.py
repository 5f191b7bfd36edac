"""What the emails say: subject, plain text and HTML, rendered once when a notification is recorded so
that a retry sends exactly what the first attempt did."""

from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.template.loader import render_to_string


@dataclass(frozen=True)
class EmailContent:
    subject: str
    body: str
    html_body: str


def low_stock_content(data: dict) -> EmailContent:
    """The alert for an ``inventory.low_stock`` event's data."""
    context = {**data, "admin_url": inventory_admin_url(data)}
    return EmailContent(
        subject=_one_line(f"Low stock: {data['sku']} ({data['available']} left)"),
        body=render_to_string("notifications/low_stock.txt", context),
        html_body=render_to_string("notifications/low_stock.html", context),
    )


def order_shipped_content(data: dict) -> EmailContent:
    """The customer's email for an ``order.status_changed`` event whose status is shipped."""
    context = {"order_id": data["order_id"], "total": data["total"], "currency": data["currency"]}
    return EmailContent(
        subject=_one_line(f"Your order {data['order_id']} has shipped"),
        body=render_to_string("notifications/order_shipped.txt", context),
        html_body=render_to_string("notifications/order_shipped.html", context),
    )


def manual_test_content(*, subject: str, message: str) -> EmailContent:
    context = {"message": message}
    return EmailContent(
        subject=_one_line(subject),
        body=render_to_string("notifications/test.txt", context),
        html_body=render_to_string("notifications/test.html", context),
    )


def inventory_admin_url(data: dict) -> str:
    """INVENTORY_ADMIN_URL with ``{product_id}`` and ``{sku}`` filled in (URL-quoted). Plain replacement,
    not str.format: a template with other braces cannot break the email."""
    return settings.INVENTORY_ADMIN_URL.replace(
        "{product_id}", quote(str(data["product_id"]), safe="")
    ).replace("{sku}", quote(str(data["sku"]), safe=""))


def _one_line(text: str) -> str:
    # Values come from events and requests; a line break in a header would be refused (or injected).
    return " ".join(text.split())[:255]

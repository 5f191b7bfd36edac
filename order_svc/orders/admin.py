"""The staff console's pages for orders: a searchable list, each order's lines, payments, refunds and
history, and the status changes a person may make.

Orders are read-only here (never added, edited or deleted: an order changes only by its status). Reads go
through orders.selectors and changes through orders.services, so a status changed here is compare-and-set
under the order's lock, lands in its history with the staff member as actor, and writes its saga commands
and event to the outbox exactly as the API does. The actions follow the state machine (orders.statuses):
the statuses a status request may set, and the refund of a paid order (in full; after delivery, with the
goods back on the shelf or not). Confirmed and failed (the saga's) and paid (a payment's) are never offered.
"""

from datetime import date

from django.contrib import admin, messages

from orders import selectors, services
from orders.errors import RefundRefused, TransitionNotAllowed
from shared.admin.repository import Invalid, RepositoryAdmin, RepositoryFilter
from shared.mongo import DocumentLocked

ACTION_TITLES = {
    services.PROCESSING: "Mark processing",
    services.SHIPPED: "Mark shipped",
    services.DELIVERED: "Mark delivered",
    services.CANCELLED: "Cancel order",
}
# The refund actions: (name, title, restock). Before shipping the reservation is released either way.
REFUND, REFUND_RESTOCK = "refund", "refund-restock"
REFUNDS_BEFORE_SHIPPING = [(REFUND, "Refund (stock released)")]
REFUNDS_AFTER_DELIVERY = [
    (REFUND, "Refund (goods kept)"),
    (REFUND_RESTOCK, "Refund and restock (goods returned)"),
]
SHORT_ID = 8  # characters of the uuid shown in the list; the search takes any start of an id
DATE_FILTERS = {"created_from": "creation date, from", "created_to": "creation date, to"}


@admin.site.register_repository
class OrderAdmin(RepositoryAdmin):
    app_label, slug = "orders", "order"
    verbose_name, verbose_name_plural = "order", "orders"
    list_display = [
        ("short_id", "Order"),
        ("customer", "Customer"),
        ("status", "Status"),
        ("total_with_currency", "Total"),
        ("item_count", "Items"),
        ("created", "Created (UTC)"),
    ]
    search_help_text = "The start of an order id, or part of the customer's email."
    list_filters = [
        RepositoryFilter("status", "status", choices=[(status, status) for status in services.STATUSES]),
        RepositoryFilter("user_id", "customer (user id)"),
        *(RepositoryFilter(name, title, input_type="date") for name, title in DATE_FILTERS.items()),
    ]
    orderings = [(selectors.NEWEST_FIRST, "Newest first"), (selectors.OLDEST_FIRST, "Oldest first")]
    list_per_page = 50
    readonly_fields = [
        ("id", "Order id"),
        ("customer", "Customer"),
        ("user_id", "User id"),
        ("status", "Status"),
        ("total_with_currency", "Total"),
        ("shipping", "Shipping address"),
        ("failure_reason", "Failure reason"),
        ("shortage_summary", "Shortages"),
        ("created", "Created (UTC)"),
        ("updated", "Updated (UTC)"),
        ("payment_due", "Payment due (UTC)"),
        ("paid_summary", "Paid"),
        ("idempotency_key", "Idempotency-Key"),
        ("saga_state", "Saga"),
    ]
    change_form_template = "admin/orders/order/change_form.html"

    # Reads ---------------------------------------------------------------------------------

    def list_objects(self, request, query):
        filters = query.filters
        days = {name: _day(request, filters, name) for name in DATE_FILTERS}
        return selectors.order_list(
            search=query.search or None,
            status=filters.get("status"),
            user_id=filters.get("user_id"),
            **days,
            ordering=query.ordering,
            offset=query.offset,
            limit=query.limit,
        )

    def get_object(self, request, object_id):
        return selectors.order_get(order_id=object_id)

    def object_title(self, obj):
        return f"Order {obj['id']}"

    def extra_context(self, request, obj):
        if obj is None:
            return {}
        history = [{**entry, "at": _when(entry["at"])} for entry in obj["status_history"]]
        payments = [{**payment, "at": _when(payment["at"])} for payment in obj["payments"]]
        refunds = [{**refund, "at": _when(refund["at"])} for refund in obj["refunds"]]
        return {
            "order": obj,
            "lines": obj["items"],
            "history": history,
            "payments": payments,
            "refunds": refunds,
        }

    # Changes -------------------------------------------------------------------------------

    def has_delete_permission(self, request):
        return False  # orders are never deleted; cancelling is a status

    def object_actions(self, request, obj):
        actions = [
            (status, ACTION_TITLES[status]) for status in services.requestable_transitions(obj["status"])
        ]
        if obj["status"] == services.DELIVERED:
            actions += REFUNDS_AFTER_DELIVERY
        elif obj["status"] in {services.PAID, services.PROCESSING}:
            actions += REFUNDS_BEFORE_SHIPPING
        return actions

    def run_action(self, request, obj, name, reason):
        actor = request.user.get_username()
        try:
            if name in {REFUND, REFUND_RESTOCK}:
                order = services.order_refund(
                    order_id=obj["id"],
                    amount=obj["amount_paid"],
                    reason=reason or "refunded by staff",
                    restock=name == REFUND_RESTOCK,
                    actor=actor,
                )
            elif name == services.CANCELLED:
                order = services.order_cancel(
                    order_id=obj["id"], reason=reason or "cancelled by staff", actor=actor
                )
            else:
                order = services.order_set_status(
                    order_id=obj["id"], status=name, reason=reason or None, actor=actor
                )
        except (TransitionNotAllowed, RefundRefused) as refused:  # changed since the page loaded
            raise Invalid({"detail": [f"{refused} It changed meanwhile: nothing was done."]}) from None
        except DocumentLocked:
            raise Invalid({"detail": ["The order is being changed by another request; try again."]}) from None
        if order is None:
            raise Invalid({"detail": ["The order does not exist any more."]})
        return f"Order {order['id'][:SHORT_ID]} is now {order['status']}."

    # Cells ---------------------------------------------------------------------------------

    def short_id(self, order):
        return order["id"][:SHORT_ID]

    def customer(self, order):
        return order.get("customer_email") or order["user_id"]

    def total_with_currency(self, order):
        return f"{order['total']} {order['currency']}"

    def item_count(self, order):
        return sum(line["quantity"] for line in order["items"])

    def created(self, order):
        return _when(order["created_at"])

    def updated(self, order):
        return _when(order["updated_at"])

    def shipping(self, order):
        address = order.get("shipping_address")
        if not address:
            return None
        place = " ".join(part for part in (address.get("postal_code"), address.get("city")) if part)
        parts = (
            address.get("line1"),
            address.get("line2"),
            place,
            address.get("region"),
            address.get("country"),
        )
        text = ", ".join(part for part in parts if part)
        if address.get("phone"):
            text = f"{text}; phone {address['phone']}"
        return f"{address['label']}: {text}" if address.get("label") else text

    def shortage_summary(self, order):
        return "; ".join(
            f"{gap.get('product_id')}: {gap.get('requested')} asked, {gap.get('available')} left"
            for gap in order.get("shortages") or []
        )

    def payment_due(self, order):
        return _when(order["payment_due_at"]) if order.get("payment_due_at") else None

    def paid_summary(self, order):
        if not order["payments"]:
            return None
        return f"{order['amount_paid']} of {order['total']} {order['currency']}"

    def saga_state(self, order):
        waiting = "commands waiting to be sent" if order.get("outbox_pending") else "nothing left to send"
        return f"{waiting}; reservation re-driven {order.get('redrives', 0)} time(s)"


def _when(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def _day(request, filters, name) -> date | None:
    """The day a date filter names, or None; a value that is no date is ignored, with a warning."""
    value = filters.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        messages.warning(request, f"“{value}” is not a date (YYYY-MM-DD): {DATE_FILTERS[name]} ignored.")
        return None

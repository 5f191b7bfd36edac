"""Money on an order: payments (staff or a payment service) make a confirmed order paid; a refund (staff)
makes a paid one refunded. Both are recorded in the order document (integer cents), under its lock, in
the same write as the status change, its event and the stock's consequence."""

from decimal import Decimal

from orders.errors import PaymentRefused, RefundRefused
from orders.messages import release_command, restock_command
from orders.services.announce import Change, change
from orders.statuses import CANCELLABLE, CONFIRMED, HOLDS_STOCK, PAID, REFUNDABLE, REFUNDED, SHIPPED
from shared.mongo import cents, from_cents, now_ms


def order_pay(
    *,
    order_id: str,
    amount: Decimal,
    currency: str,
    reference: str,
    method: str | None = None,
    actor: str | None = None,
) -> tuple[dict | None, bool]:
    """Record a payment of a confirmed order; return ``(order, recorded)``, the order None when it does not
    exist. When the payments reach the total the order becomes paid in the same write.

    ``reference`` (the payment provider's id of the payment) makes it idempotent: the same reference with
    the same amount and currency again records nothing and returns the order (``recorded`` False), even
    once the order moved on. Raise PaymentRefused for the same reference with another amount or currency,
    an order that is not confirmed, another currency than the order's, or an amount above the unpaid rest.
    """
    amount_cents = cents(amount)

    def plan(current):
        for earlier in current["payments"]:
            if earlier["reference"] == reference:
                if cents(earlier["amount"]) != amount_cents or earlier["currency"] != currency:
                    raise PaymentRefused(
                        f"Reference {reference!r} was recorded for a payment of {earlier['amount']} "
                        f"{earlier['currency']}; another payment needs a reference of its own."
                    )
                return None
        if current["status"] != CONFIRMED:
            raise PaymentRefused(
                f"An order in status {current['status']!r} takes no payment: only a confirmed order is paid."
            )
        if currency != current["currency"]:
            raise PaymentRefused(
                f"The order is in {current['currency']}: a payment in {currency} is refused."
            )
        rest = cents(current["total"]) - cents(current["amount_paid"])
        if amount_cents > rest:
            raise PaymentRefused(
                f"A payment of {from_cents(amount_cents)} {currency} overshoots the unpaid rest of "
                f"{from_cents(rest)} {currency}."
            )
        payment = {
            "reference": reference,
            "amount_cents": amount_cents,
            "currency": currency,
            "method": method or None,
            "at": now_ms(),
            "actor": actor,
        }
        if amount_cents < rest:
            return Change(push={"payments": [payment]})
        return Change(status=PAID, reason=f"paid in full (payment {reference})", push={"payments": [payment]})

    return change(order_id, plan, actor=actor)


def order_refund(
    *, order_id: str, amount: Decimal, reason: str, restock: bool = False, actor: str | None = None
) -> dict | None:
    """Refund a paid, processing or delivered order in full: it becomes refunded, the refund is listed on
    it, and the stock follows in the same write. Return the order, None when it does not exist.

    Before shipping (paid, processing) the reservation is released, whatever ``restock`` says (the goods
    never left). After delivery the goods are back on the shelf only if staff say so: ``restock`` writes
    the restock command, otherwise the stock is left alone. Raise RefundRefused for another status (a
    refunded order again, too), or an amount other than what was paid: only full refunds are supported.
    """
    amount_cents = cents(amount)

    def plan(current):
        status = current["status"]
        if status not in REFUNDABLE:
            raise RefundRefused(_not_refundable(status))
        if amount_cents != cents(current["amount_paid"]):
            raise RefundRefused(
                "Only full refunds are supported: the refund must be the paid sum of "
                f"{current['amount_paid']} {current['currency']}."
            )
        if status in HOLDS_STOCK:
            entries = [release_command(order_id)]
        else:
            entries = [restock_command(order_id)] if restock else []
        refund = {
            "amount_cents": amount_cents,
            "reason": reason,
            "restock": bool(restock),
            "at": now_ms(),
            "actor": actor,
        }
        return Change(status=REFUNDED, reason=reason, push={"refunds": [refund]}, outbox=entries)

    order, _ = change(order_id, plan, actor=actor)
    return order


def _not_refundable(status: str) -> str:
    if status == REFUNDED:
        return "The order is refunded already."
    if status == SHIPPED:
        return "An order on its way (shipped) is refunded once it is delivered."
    unpaid = f"An order in status {status!r} was not paid: there is nothing to refund"
    return f"{unpaid}; cancel it instead." if status in CANCELLABLE else f"{unpaid}."

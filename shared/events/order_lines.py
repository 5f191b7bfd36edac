"""The lines of an order, declared once: ``[{product_id, quantity}]`` as a customer orders them (order_svc's
API), as the saga's reserve command carries them and as inventory_svc's reserve API takes them.

A line asks for 1 to MAX_QUANTITY units of one product; an order has 1 to MAX_LINES lines. Lines of the
same product are one line, their quantities summed (``merge_lines``); order_svc also holds the summed
quantity to MAX_QUANTITY (``over_limit``), so the commands it sends carry merged lines within the limit.
"""

MAX_QUANTITY = 1000  # units of one product in one line (and, merged, in one order)
MAX_LINES = 100
# How a message's lines must look, for a refusal to say so.
LINES_SHAPE = f"[{{product_id: str, quantity: 1..{MAX_QUANTITY}}}]"


def is_line(line) -> bool:
    """Whether ``line`` (from a message, not yet trusted) is ``{product_id: str, quantity: 1..MAX}``."""
    return (
        isinstance(line, dict)
        and isinstance(line.get("product_id"), str)
        and isinstance(line.get("quantity"), int)
        and not isinstance(line.get("quantity"), bool)
        and 1 <= line["quantity"] <= MAX_QUANTITY
    )


def merge_lines(items) -> dict[str, int]:
    """``{product_id: quantity}`` with duplicate product lines summed, in order of first appearance."""
    merged: dict[str, int] = {}
    for line in items:
        merged[line["product_id"]] = merged.get(line["product_id"], 0) + line["quantity"]
    return merged


def over_limit(merged: dict[str, int]) -> list[str]:
    """The product ids of merged lines above MAX_QUANTITY units, in their order."""
    return [product_id for product_id, quantity in merged.items() if quantity > MAX_QUANTITY]

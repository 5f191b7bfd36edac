"""The platform's promises as checks over a Snapshot of the stores and what the clients saw (pure: no I/O).

Each check returns Findings: one per subject it looked at (an order, an item, a product, an outbox),
with the times that subject was active (to place it in the fault windows) and, when the promise was
broken, what and when. A subject with no times is global: it is reported on the "after drain" row.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from history import replay
from ledger import AcceptedOrder, CreatedProduct, Probe, Window
from stores import STALE_S, STOCK_CONSTRAINTS, Snapshot

# An order has settled once the saga answered; what follows (payment, fulfilment) is people's pace.
SETTLED = ("confirmed", "failed", "cancelled", "paid", "processing", "shipped", "delivered", "refunded")
HOLDING = ("confirmed", "paid", "processing")  # reserved stock, not yet shipped
SHIPPED = ("shipped", "delivered")
PAID = ("paid", "processing", "shipped", "delivered", "refunded")
STOCK_KINDS = ("reserved", "released", "shipped", "returned")  # movements an order makes, once each
# The 5xx a fault may cause: the gateway's "no instance answered" (502) and "too slow" (504), and the 503
# of a service whose dependency is down (shared.outages). A 500 is a bug, fault or no fault.
FAULT_STATUSES = (502, 503, 504)


@dataclass(frozen=True)
class Invariant:
    key: str
    header: str
    promise: str


INVARIANTS = [
    Invariant("settled", "orders settled",
              "every accepted order exists with the lines it was accepted with and got the saga's answer "
              "(never stuck pending); so is every other order of the run's customers"),
    Invariant("order_stock", "stock follows order",
              "a confirmed, paid or processing order holds exactly its lines; a shipped, delivered, "
              "failed, cancelled or refunded one holds nothing; no stock is held for an order order_svc "
              "does not have"),
    Invariant("one_reservation", "one reservation per order",
              "no order was reserved, released, shipped or returned twice on an item; what was reserved is "
              "what it ordered"),
    Invariant("paid", "paid = total",
              "every order that was paid (paid, processing, shipped, delivered, refunded) has payments equal "
              "to its total, and only those have payments"),
    Invariant("shipped", "shipped from a reservation",
              "every order that shipped had its lines reserved and then shipped out of stock (movements "
              "reserved and shipped equal to its lines), and only those shipped"),
    Invariant("reserved_sum", "reserved = Σ active",
              "every item's reserved equals the sum of its active reservations"),
    Invariant("replay", "stock = replay",
              "quantity and reserved equal the replay of the movements, from the initial stock staff set"),
    Invariant("never_negative", "available ≥ 0",
              "available never went below zero in any movement, and the CHECK constraints are in place"),
    Invariant("one_item", "one item per product",
              "every product the run created exists and has exactly one inventory item, with its sku"),
    Invariant("one_email", "one email per crossing",
              "each low-stock crossing in the history gave exactly one sent notification and one email with "
              "its available count, and nothing else was sent"),
    Invariant("outboxes", "outboxes empty",
              "no outbox (inventory's table, the product and order embedded ones) holds a message of this "
              f"run or any older than {STALE_S:.0f} s (other people's fresh traffic may pass through)"),
    Invariant("queues", "no message lost",
              "the saga queues are empty and nothing was dead-lettered during the run"),
    Invariant("isolation", "own orders only",
              "no customer read another's order or saw one in their own list"),
    Invariant("no_500", "no 500",
              "no request was answered 500, or any 5xx but 502, 503 (a dependency down, named) and 504, "
              "during a fault or outside one"),
]  # fmt: skip


@dataclass
class Finding:
    invariant: str
    subject: str
    active: list[float] = field(default_factory=list)
    violation: str | None = None
    violated_at: float | None = None


@dataclass
class Facts:
    """What the clients know, to hold the stores to."""

    accepted: dict[str, AcceptedOrder]
    created: dict[str, CreatedProduct]
    probes: list[Probe]
    queues_before: dict[str, int]
    windows: list[Window] = field(default_factory=list)  # what every request was answered, per window


def check_all(snap: Snapshot, facts: Facts) -> list[Finding]:
    findings = []
    for check in (
        orders_settled,
        stock_follows_order,
        one_reservation_per_order,
        paid_is_total,
        shipped_from_reservation,
        reserved_is_sum_of_active,
        stock_is_replay,
        available_never_negative,
        one_item_per_product,
        one_email_per_crossing,
        outboxes_empty,
        no_message_lost,
        isolation,
        no_500,
    ):
        findings.extend(check(snap, facts))
    return findings


def orders_settled(snap: Snapshot, facts: Facts) -> list[Finding]:
    findings = []
    for order_id, accepted in facts.accepted.items():
        finding = Finding("settled", f"order {order_id}", [accepted.accepted_at])
        stored = snap.orders.get(order_id)
        if stored is None:
            finding.violation = "accepted (2xx) but not in order_svc"
        elif stored.lines != accepted.lines:
            finding.violation = f"stored lines {stored.lines} differ from the accepted {accepted.lines}"
        elif stored.status not in SETTLED:
            finding.violation = f"stuck in {stored.status}"
        findings.append(_placed(finding))
    for order_id, stored in snap.orders.items():
        if order_id in facts.accepted:
            continue
        # Made by a POST whose answer the client never got: it must settle all the same.
        finding = Finding("settled", f"order {order_id} (answer lost)", [stored.created_at])
        if stored.status not in SETTLED:
            finding.violation = f"stuck in {stored.status}"
        findings.append(_placed(finding))
    return findings


def stock_follows_order(snap: Snapshot, facts: Facts) -> list[Finding]:
    product_of = {item.id: item.product_id for item in snap.items}
    held: dict[str, dict[str, int]] = defaultdict(dict)
    for line in snap.reservations:
        if line.status == "active":
            held[line.order_id][product_of[line.item_id]] = line.quantity
    findings = []
    for order in snap.orders.values():
        finding = Finding("order_stock", f"order {order.id}", [order.created_at])
        holds = held.get(order.id, {})
        if order.status in HOLDING and holds != order.lines:
            finding.violation = f"{order.status} {order.lines} but holds {holds}"
        elif order.status not in HOLDING and order.status != "pending" and holds:
            finding.violation = f"{order.status} but still holds {holds}"
        findings.append(_placed(finding))
    for order_id in held.keys() - snap.orders.keys():
        findings.append(
            Finding(
                "order_stock",
                f"order {order_id}",
                [],
                f"holds {held[order_id]} but order_svc has no such order",
            )
        )
    return findings


def _order_movements(snap: Snapshot) -> dict[str, dict[str, Counter]]:
    """order id -> movement kind -> product id -> units moved (positive), over every item's history."""
    product_of = {item.id: item.product_id for item in snap.items}
    moved: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for movements in snap.movements.values():
        for movement in movements:
            if movement.kind in STOCK_KINDS and movement.order_id:
                units = abs(movement.reserved_delta or movement.quantity_delta)
                moved[movement.order_id][movement.kind][product_of[movement.item_id]] += units
    return moved


def one_reservation_per_order(snap: Snapshot, facts: Facts) -> list[Finding]:
    product_of = {item.id: item.product_id for item in snap.items}
    moves: dict[str, Counter] = defaultdict(Counter)  # order id -> (kind, product) -> count
    reserved: dict[str, dict[str, int]] = defaultdict(dict)
    for movements in snap.movements.values():
        for movement in movements:
            if movement.kind in STOCK_KINDS and movement.order_id:
                product_id = product_of[movement.item_id]
                moves[movement.order_id][(movement.kind, product_id)] += 1
                if movement.kind == "reserved":
                    reserved[movement.order_id][product_id] = movement.reserved_delta
    findings = []
    for order in snap.orders.values():
        finding = Finding("one_reservation", f"order {order.id}", [order.created_at])
        twice = sorted(f"{kind} {product_id}" for (kind, product_id), n in moves[order.id].items() if n > 1)
        if twice:
            finding.violation = f"more than once: {', '.join(twice)}"
        elif reserved.get(order.id) and reserved[order.id] != order.lines:
            finding.violation = f"reserved {reserved[order.id]} for lines {order.lines}"
        findings.append(_placed(finding))
    return findings


def paid_is_total(snap: Snapshot, facts: Facts) -> list[Finding]:
    findings = []
    for order in snap.orders.values():
        finding = Finding("paid", f"order {order.id}", [order.created_at])
        if order.status in PAID and order.paid_cents != order.total_cents:
            finding.violation = (
                f"{order.status} with payments {order.paid_cents} for a total of {order.total_cents}"
            )
        elif order.status not in PAID and order.paid_cents:
            finding.violation = f"{order.status} but has payments of {order.paid_cents}"
        findings.append(_placed(finding))
    return findings


def shipped_from_reservation(snap: Snapshot, facts: Facts) -> list[Finding]:
    moved = _order_movements(snap)
    findings = []
    for order in snap.orders.values():
        finding = Finding("shipped", f"order {order.id}", [order.created_at])
        reserved, shipped = dict(moved[order.id]["reserved"]), dict(moved[order.id]["shipped"])
        if order.status in SHIPPED and (reserved != order.lines or shipped != order.lines):
            finding.violation = f"{order.status}: reserved {reserved}, shipped {shipped}, lines {order.lines}"
        elif shipped and (order.status not in (*SHIPPED, "refunded") or shipped != order.lines):
            finding.violation = f"{order.status} but shipped {shipped} (lines {order.lines})"
        elif dict(moved[order.id]["returned"]) not in ({}, shipped):
            finding.violation = f"returned {dict(moved[order.id]['returned'])} of shipped {shipped}"
        findings.append(_placed(finding))
    return findings


def reserved_is_sum_of_active(snap: Snapshot, facts: Facts) -> list[Finding]:
    active = Counter()
    for line in snap.reservations:
        if line.status == "active":
            active[line.item_id] += line.quantity
    findings = []
    for item in snap.items:
        finding = Finding("reserved_sum", f"item {item.sku}", _times(snap, item.id))
        if item.reserved != active[item.id]:
            finding.violation = f"reserved {item.reserved}, active reservations {active[item.id]}"
            finding.violated_at = max(finding.active, default=None)
        findings.append(finding)
    return findings


def stock_is_replay(snap: Snapshot, facts: Facts) -> list[Finding]:
    initial = {product.id: product.initial_stock for product in facts.created.values()}
    findings = []
    for item in snap.items:
        movements = snap.movements.get(item.id, [])
        finding = Finding("replay", f"item {item.sku}", _times(snap, item.id))
        state = replay(item, movements)
        first = movements[0] if movements else None
        if first is None or first.kind != "created":
            finding.violation = "history does not start with its creation"
        elif item.product_id in initial and first.quantity_delta != initial[item.product_id]:
            finding.violation = f"created with {first.quantity_delta}, staff set {initial[item.product_id]}"
            finding.violated_at = first.at
        elif state.mismatch is not None:
            m = state.mismatch
            finding.violation = f"movement {m.id} ({m.kind}) records {m.quantity_after}/{m.reserved_after}"
            finding.violated_at = m.at
        elif (state.quantity, state.reserved) != (item.quantity, item.reserved):
            finding.violation = (
                f"row {item.quantity}/{item.reserved}, replay {state.quantity}/{state.reserved}"
            )
        elif state.alerted != item.low_stock_alerted:
            finding.violation = f"low_stock_alerted {item.low_stock_alerted}, replay says {state.alerted}"
        if finding.violation and finding.violated_at is None:
            finding.violated_at = max(finding.active, default=None)
        findings.append(finding)
    return findings


def available_never_negative(snap: Snapshot, facts: Facts) -> list[Finding]:
    findings = []
    for item in snap.items:
        finding = Finding("never_negative", f"item {item.sku}", _times(snap, item.id))
        negative = replay(item, snap.movements.get(item.id, [])).negative
        if negative is not None:
            after = f"quantity {negative.quantity_after}, reserved {negative.reserved_after}"
            finding.violation = f"movement {negative.id} left {after}"
            finding.violated_at = negative.at
        elif item.quantity - item.reserved < 0 or item.reserved < 0:
            finding.violation = f"row: quantity {item.quantity}, reserved {item.reserved}"
            finding.violated_at = max(finding.active, default=None)
        findings.append(finding)
    missing = [name for name in STOCK_CONSTRAINTS if name not in snap.constraints]
    findings.append(
        Finding(
            "never_negative",
            "CHECK constraints of stock_item",
            [],
            f"missing or not validated: {', '.join(missing)}" if missing else None,
        )
    )
    return findings


def one_item_per_product(snap: Snapshot, facts: Facts) -> list[Finding]:
    items_of: dict[str, list] = defaultdict(list)
    for item in snap.items:
        items_of[item.product_id].append(item)
    findings = []
    for product_id in facts.created.keys() | snap.products.keys():
        product = snap.products.get(product_id)
        created = facts.created.get(product_id)
        moment = product.created_at if product else created.created_at
        finding = Finding("one_item", f"product {product_id}", [moment])
        items = items_of.get(product_id, [])
        if product is None or product.is_deleted:
            finding.violation = "created (201) but not in the catalog"
        elif len(items) != 1:
            finding.violation = f"{len(items)} inventory items"
        elif items[0].sku != product.sku:
            finding.violation = f"item sku {items[0].sku}, product sku {product.sku}"
        findings.append(_placed(finding))
    for product_id in items_of.keys() - snap.products.keys() - facts.created.keys():
        findings.append(Finding("one_item", f"item of {product_id}", [], "inventory item of no product"))
    return findings


def one_email_per_crossing(snap: Snapshot, facts: Facts) -> list[Finding]:
    notified, mailed = defaultdict(list), defaultdict(list)
    for alert in snap.notifications:
        notified[alert.sku].append(alert)
    for alert in snap.emails:
        mailed[alert.sku].append(alert)
    findings = []
    for item in snap.items:
        crossings = replay(item, snap.movements.get(item.id, [])).crossings
        expected = sorted(m.quantity_after - m.reserved_after for m in crossings)
        sent = sorted(a.available for a in notified.pop(item.sku, []) if a.status == "sent")
        received = sorted(a.available for a in mailed.pop(item.sku, []))
        finding = Finding("one_email", f"item {item.sku}", _times(snap, item.id))
        if not expected == sent == received:
            finding.violation = f"crossings at available {expected}; sent {sent}; in Mailpit {received}"
            finding.violated_at = _first_unmatched(crossings, sent) or max(finding.active, default=None)
        findings.append(finding)
    for sku, alerts in [*notified.items(), *mailed.items()]:
        findings.append(
            Finding(
                "one_email",
                f"alert for {sku}",
                [alerts[0].at],
                f"{len(alerts)} alert(s) for an unknown item",
                alerts[0].at,
            )
        )
    return findings


def outboxes_empty(snap: Snapshot, facts: Facts) -> list[Finding]:
    findings = []
    for name, depth in snap.outboxes.items():
        violation = None
        if depth.ours or depth.stale:
            violation = (
                f"{depth.ours} message(s) of this run and {depth.stale} older than {STALE_S:.0f} s "
                f"still waiting ({depth.waiting} in all)"
            )
        findings.append(Finding("outboxes", name, [], violation))
    return findings


def no_message_lost(snap: Snapshot, facts: Facts) -> list[Finding]:
    findings = []
    for queue, depth in snap.queues.items():
        if queue.endswith(".dead"):
            grew = depth - facts.queues_before.get(queue, 0)
            violation = f"{grew} message(s) dead-lettered during the run" if grew > 0 else None
        else:
            violation = f"{depth} message(s) still queued" if depth else None
        findings.append(Finding("queues", f"queue {queue}", [], violation))
    return findings


def isolation(snap: Snapshot, facts: Facts) -> list[Finding]:
    return [
        Finding(
            "isolation",
            f"{probe.what} at {probe.at:.1f}",
            [probe.at],
            probe.violation,
            probe.at if probe.violation else None,
        )
        for probe in facts.probes
    ]


def no_500(snap: Snapshot, facts: Facts) -> list[Finding]:
    findings = []
    for window in facts.windows:
        finding = Finding("no_500", f"{window.sent} answers in {window.name}", [window.started])
        answered = window.server_errors.items()  # "order create: 500" -> count
        bad = sorted((what, n) for what, n in answered if _status(what) not in FAULT_STATUSES)
        if bad:
            finding.violation = ", ".join(f"{what} ({n} times)" for what, n in bad)
        findings.append(_placed(finding))
    return findings


def _status(what: str) -> int:
    return int(what.rsplit(": ", 1)[1])


def _placed(finding: Finding) -> Finding:
    """A violation of a subject with one moment happened at that moment."""
    if finding.violation and finding.violated_at is None and finding.active:
        finding.violated_at = finding.active[0]
    return finding


def _times(snap: Snapshot, item_id: str) -> list[float]:
    return [movement.at for movement in snap.movements.get(item_id, [])]


def _first_unmatched(crossings, sent: list[int]) -> float | None:
    left = Counter(sent)
    for movement in crossings:
        available = movement.quantity_after - movement.reserved_after
        if left[available] > 0:
            left[available] -= 1
        else:
            return movement.at
    return None

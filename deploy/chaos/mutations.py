"""Proof that every check can fail: each invariant is run again on a copy of the real snapshot with one
deliberate corruption of exactly the kind it exists to catch, and must report it. A check that stays
green on a corrupted copy is a broken check, and fails the run like a violation would.
"""

import copy
import dataclasses
from collections.abc import Callable

from invariants import INVARIANTS, Facts, check_all
from ledger import Probe
from stores import Alert, Item, Order, Snapshot

Mutation = Callable[[Snapshot, Facts], str]


def _stuck_order(snap: Snapshot, facts: Facts) -> str:
    order = next(iter(snap.orders.values()), None)
    if order is None:
        order = Order("mutant-order", "mutant-user", "pending", {}, 0.0)
        snap.orders[order.id] = order
    order.status = "pending"
    return f"order {order.id} set back to pending"


def _confirmed_holds_nothing(snap: Snapshot, facts: Facts) -> str:
    confirmed = {order.id for order in snap.orders.values() if order.status == "confirmed"}
    line = next((r for r in snap.reservations if r.order_id in confirmed and r.status == "active"), None)
    if line is None:
        snap.reservations.append(dataclasses.replace(snap.reservations[0], order_id="no-such-order"))
        return "an active reservation for an order that does not exist"
    line.status = "released"
    return f"a line of confirmed order {line.order_id} marked released"


def _reserved_twice(snap: Snapshot, facts: Facts) -> str:
    for movements in snap.movements.values():
        for movement in movements:
            if movement.kind == "reserved" and movement.order_id in snap.orders:
                movements.append(dataclasses.replace(movement, id=movement.id + 10**9))
                return f"reserved movement of order {movement.order_id} duplicated"
    raise LookupError("no reservation in the run to duplicate")


def _paid_short(snap: Snapshot, facts: Facts) -> str:
    order = next((o for o in snap.orders.values() if o.paid_cents), None)
    if order is None:
        order = next(iter(snap.orders.values()))
        order.status = "paid"
        return f"order {order.id} marked paid with no payment"
    order.paid_cents -= 1
    return f"payments of order {order.id} one cent short"


def _shipped_unreserved(snap: Snapshot, facts: Facts) -> str:
    order = next((o for o in snap.orders.values() if o.status in ("failed", "cancelled")), None)
    if order is None:
        order = next(iter(snap.orders.values()))
    order.status = "shipped"
    return f"order {order.id} set to shipped without shipping movements of its reservation"


def _reserved_off_by_one(snap: Snapshot, facts: Facts) -> str:
    snap.items[0].reserved += 1
    return f"reserved of {snap.items[0].sku} + 1"


def _history_rewritten(snap: Snapshot, facts: Facts) -> str:
    movement = next(m for movements in snap.movements.values() for m in movements if m.kind != "created")
    movement.quantity_after += 1
    return f"quantity_after of movement {movement.id} + 1"


def _went_negative(snap: Snapshot, facts: Facts) -> str:
    movement = next(m for movements in snap.movements.values() for m in movements if m.kind == "reserved")
    movement.reserved_after = movement.quantity_after + 1
    return f"movement {movement.id} leaves available at -1"


def _second_item(snap: Snapshot, facts: Facts) -> str:
    item = snap.items[0]
    snap.items.append(Item("mutant-item", item.product_id, item.sku, 0, 0, item.reorder_threshold, False))
    return f"a second item for product {item.product_id}"


def _duplicate_email(snap: Snapshot, facts: Facts) -> str:
    if snap.emails:
        snap.emails.append(copy.copy(snap.emails[0]))
        return f"an email for {snap.emails[0].sku} received twice"
    item = snap.items[0]
    snap.emails.append(Alert(item.sku, 0, 0.0))
    return f"an email for {item.sku} with no crossing"


def _outbox_left(snap: Snapshot, facts: Facts) -> str:
    name = next(iter(snap.outboxes))
    snap.outboxes[name].ours += 1
    return f"one message of the run left in {name}"


def _dead_lettered(snap: Snapshot, facts: Facts) -> str:
    snap.queues["order_created.dead"] = facts.queues_before.get("order_created.dead", 0) + 1
    return "one reserve command dead-lettered"


def _peeked(snap: Snapshot, facts: Facts) -> str:
    facts.probes.append(Probe(0.0, "another's order", "customer A read customer B's order"))
    return "a customer read another's order"


def _answered_500(snap: Snapshot, facts: Facts) -> str:
    window = facts.windows[-1]
    window.server_errors["order create: 500"] += 1
    return f"an order create answered 500 in {window.name}"


MUTATIONS: dict[str, Mutation] = {
    "settled": _stuck_order,
    "order_stock": _confirmed_holds_nothing,
    "one_reservation": _reserved_twice,
    "paid": _paid_short,
    "shipped": _shipped_unreserved,
    "reserved_sum": _reserved_off_by_one,
    "replay": _history_rewritten,
    "never_negative": _went_negative,
    "one_item": _second_item,
    "one_email": _duplicate_email,
    "outboxes": _outbox_left,
    "queues": _dead_lettered,
    "isolation": _peeked,
    "no_500": _answered_500,
}
assert set(MUTATIONS) == {invariant.key for invariant in INVARIANTS}


def prove_checks_can_fail(snap: Snapshot, facts: Facts) -> dict[str, dict]:
    """For each invariant: the corruption made and whether its check caught it."""
    results = {}
    for key, mutate in MUTATIONS.items():
        mutant_snap, mutant_facts = copy.deepcopy(snap), copy.deepcopy(facts)
        try:
            made = mutate(mutant_snap, mutant_facts)
        except (LookupError, StopIteration, IndexError) as exc:
            results[key] = {"mutation": f"not applicable to this run's data: {exc!r}", "caught": False}
            continue
        caught = [
            f.violation for f in check_all(mutant_snap, mutant_facts) if f.invariant == key and f.violation
        ]
        results[key] = {"mutation": made, "caught": bool(caught), "report": caught[:1]}
    return results

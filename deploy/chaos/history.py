"""Replaying an item's movement history (pure functions, no I/O).

inventory_svc records every change of an item as a movement with its deltas and the values after it,
in the transaction of the change and under the item's row lock, so in id order the movements are the
item's whole life: the running sums of the deltas must give every recorded "after" value and the item's
final row, ``available`` can never have been negative, and the low-stock alert is edge-triggered on that
same sequence (stock/services.py ``_refresh_low_stock``: one alert when available falls to or below the
threshold, re-armed when it rises above), so the replay says exactly which alerts had to go out.
"""

from dataclasses import dataclass, field

from stores import Item, Movement


@dataclass
class Replay:
    quantity: int = 0
    reserved: int = 0
    mismatch: Movement | None = None  # the first movement whose "after" values disagree with the sums
    negative: Movement | None = None  # the first movement after which available was below zero
    crossings: list[Movement] = field(default_factory=list)  # movements that had to send an alert
    alerted: bool = False  # the edge trigger's state after the last movement


def replay(item: Item, movements: list[Movement]) -> Replay:
    state = Replay()
    for movement in movements:
        state.quantity += movement.quantity_delta
        state.reserved += movement.reserved_delta
        if state.mismatch is None and (
            (state.quantity, state.reserved) != (movement.quantity_after, movement.reserved_after)
        ):
            state.mismatch = movement
        available = movement.quantity_after - movement.reserved_after
        if state.negative is None and (available < 0 or movement.reserved_after < 0):
            state.negative = movement
        # Renames and deactivations do not look at the trigger; only stock changes do.
        if movement.kind in ("created", "reserved", "released", "adjusted", "shipped", "returned"):
            low = available <= item.reorder_threshold
            if low and not state.alerted:
                state.crossings.append(movement)
                state.alerted = True
            elif not low and state.alerted:
                state.alerted = False
    return state

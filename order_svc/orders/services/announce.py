"""The one way the services change an existing order: repository.change, with every status change
announced. Whatever a plan decides, a new status also writes its ``order.status_changed`` event into the
same outbox entries, after the plan's commands, so no status change can exist without its event (nor an
event without its change)."""

from dataclasses import replace

from orders import repository
from orders.messages import status_event
from orders.repository import Change

__all__ = ["Change", "change"]


def change(order_id: str, plan, *, actor: str | None = None) -> tuple[dict | None, bool]:
    """``repository.change`` with the status event: ``plan(current)`` returns None or a ``Change``."""

    def announced(current):
        decision = plan(current)
        if decision is None or decision.status is None:
            return decision
        event = status_event(
            current, status=decision.status, previous=current["status"], reason=decision.reason
        )
        return replace(decision, outbox=[*decision.outbox, event])

    return repository.change(order_id, announced, actor=actor)

"""What the order operations refuse, independent of HTTP (the API maps each to its status)."""


class InvalidOrder(ValueError):
    """The request cannot make an order (unknown or inactive product, bad address, ...): 400.
    ``detail`` is a DRF-shaped ``{field: [message]}``."""

    def __init__(self, detail: dict):
        super().__init__(detail)
        self.detail = detail


class InactiveUser(Exception):
    """The caller's account does not exist or is inactive in user_svc: 403."""


class TransitionNotAllowed(Exception):
    """The order's current status does not allow the requested one: 409."""

    def __init__(self, current: str, requested: str):
        super().__init__(f"An order in status {current!r} cannot become {requested!r}.")
        self.current = current
        self.requested = requested


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key was used before for a different request: 409."""

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
    """The order's current status does not allow the requested one: 409. ``advice`` (optional) says what
    to do instead (e.g. refund a paid order rather than cancel it)."""

    def __init__(self, current: str, requested: str, advice: str | None = None):
        message = f"An order in status {current!r} cannot become {requested!r}."
        super().__init__(f"{message} {advice}" if advice else message)
        self.current = current
        self.requested = requested


class StatusSetElsewhere(Exception):
    """A status request for a status only something else sets (the saga, a payment, a refund): 409."""

    def __init__(self, requested: str, setter: str):
        super().__init__(f"A status request cannot set {requested!r}: only {setter} does.")
        self.requested = requested


class PaymentRefused(Exception):
    """The payment does not fit the order (status, currency, the unpaid rest, a reused reference): 409."""


class RefundRefused(Exception):
    """The refund does not fit the order (status, amount, already refunded): 409."""


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key was used before for a different request: 409."""

class StockError(Exception):
    """A refused stock operation; ``str()`` is the message for the client."""


class ItemExists(StockError):
    pass


class QuantityBelowReserved(StockError):
    pass


class TooEarly(Exception):
    """A saga command arrived before the state it acts on (it overtook the message that makes that
    state); nothing was changed. Transient: the worker retries the command with backoff until that
    state is there, and dead-letters it when its retries run out."""

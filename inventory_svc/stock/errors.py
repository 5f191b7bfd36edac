class StockError(Exception):
    """A refused stock operation; ``str()`` is the message for the client."""


class ItemExists(StockError):
    pass


class QuantityBelowReserved(StockError):
    pass

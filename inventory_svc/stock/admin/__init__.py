"""inventory_svc's staff console: items (read-only numbers, adjusted through the stock service), and the
movement history and reservations, read-only.

Every admin here is a ``shared.admin.audit.StaffModelAdmin``: staff come from the token, not from user
rows, so changes are audit log lines rather than ``LogEntry`` rows. Registration happens on import.
"""

from stock.admin.items import ItemAdmin
from stock.admin.records import MovementAdmin, OrderReservationAdmin

__all__ = ["ItemAdmin", "MovementAdmin", "OrderReservationAdmin"]

"""What the clients did and saw, shared by every load thread: requests per time window, the orders the
platform accepted, the products staff created, and what the isolation probes found.

A window is one phase of the run (set-up, warm-up, one fault, drain); every request is counted in the
window its answer (or failure) came in; the invariant findings are placed in windows by their times.
"""

import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Window:
    name: str
    started: float  # wall clock (time.time()), comparable with the stores' timestamps
    ended: float | None = None
    sent: int = 0
    ok: int = 0
    failed: int = 0
    errors: Counter = field(default_factory=Counter)  # "order create: http_503" -> count
    server_errors: Counter = field(default_factory=Counter)  # 5xx answers: "order create: 503" -> count
    # Fault windows only: how long the component was down, and how long its start took.
    down_s: float | None = None
    restart_s: float | None = None
    fault_error: str | None = None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "started": self.started,
            "ended": self.ended,
            "sent": self.sent,
            "ok": self.ok,
            "failed": self.failed,
            "errors": dict(self.errors.most_common()),
            "server_errors": dict(self.server_errors.most_common()),
            "down_s": self.down_s,
            "restart_s": self.restart_s,
            "fault_error": self.fault_error,
        }


@dataclass
class AcceptedOrder:
    id: str
    user_id: str
    idempotency_key: str
    lines: dict[str, int]
    accepted_at: float


@dataclass
class CreatedProduct:
    id: str
    sku: str
    initial_stock: int
    created_at: float


@dataclass
class Probe:
    """One look at an order through the API: did the customer see only what is theirs?"""

    at: float
    what: str
    violation: str | None


@dataclass
class PendingOrderPost:
    """An order POST that never got a definite answer; the final pass retries it with the same key."""

    customer: object
    idempotency_key: str
    body: dict
    first_sent: float


class Ledger:
    def __init__(self):
        self._lock = threading.Lock()
        self.windows: list[Window] = []
        self.orders: dict[str, AcceptedOrder] = {}
        self.rejected_orders: Counter = Counter()  # definite 4xx answers to order POSTs, by status
        self.unanswered_posts: list[PendingOrderPost] = []
        self.products: dict[str, CreatedProduct] = {}
        self.probes: list[Probe] = []
        self.begin_window("set-up")

    # Windows -------------------------------------------------------------------------------------
    def begin_window(self, name: str) -> Window:
        with self._lock:
            now = time.time()
            if self.windows:
                self.windows[-1].ended = now
            window = Window(name=name, started=now)
            self.windows.append(window)
            return window

    def close(self) -> None:
        with self._lock:
            self.windows[-1].ended = time.time()

    def record(self, what: str, outcome: str | None, status: int | None = None) -> None:
        """One request: ``outcome`` None for an answer the client can use, else the error's name;
        ``status`` the HTTP status, if there was an answer (a 5xx is kept for the "no 500" check)."""
        with self._lock:
            window = self.windows[-1]
            window.sent += 1
            if outcome is None:
                window.ok += 1
            else:
                window.failed += 1
                window.errors[f"{what}: {outcome}"] += 1
            if status is not None and status >= 500:
                window.server_errors[f"{what}: {status}"] += 1

    # Facts ----------------------------------------------------------------------------------------
    def order_accepted(self, order: AcceptedOrder) -> None:
        with self._lock:
            self.orders.setdefault(order.id, order)

    def order_rejected(self, status: int) -> None:
        with self._lock:
            self.rejected_orders[status] += 1

    def order_unanswered(self, post: PendingOrderPost) -> None:
        with self._lock:
            self.unanswered_posts.append(post)

    def take_unanswered(self) -> list[PendingOrderPost]:
        with self._lock:
            posts, self.unanswered_posts = self.unanswered_posts, []
            return posts

    def product_created(self, product: CreatedProduct) -> None:
        with self._lock:
            self.products.setdefault(product.id, product)

    def product_ids(self) -> list[str]:
        with self._lock:
            return list(self.products)

    def probe(self, probe: Probe) -> None:
        with self._lock:
            self.probes.append(probe)

    def accepted_order_ids(self) -> list[str]:
        with self._lock:
            return list(self.orders)

    def order_ids_of_others(self, user_id: str) -> list[str]:
        with self._lock:
            return [order.id for order in self.orders.values() if order.user_id != user_id]

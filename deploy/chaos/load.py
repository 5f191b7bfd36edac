"""The steady mixed load: customers ordering, cancelling and looking at orders; staff creating and
editing products and restocking what runs low; a clerk paying, processing, shipping, delivering and
refunding orders. Threads, each with its own seeded random stream, so a
seed replays the same choices (not the same timing).

Every order POST carries an Idempotency-Key and is retried with that key until it gets a definite
answer, as a careful client would; one still unanswered when the load stops is retried once more after
the faults (``settle_unanswered``). So the set of accepted orders is known exactly.
"""

import random
import threading
import time
import uuid

from ledger import AcceptedOrder, CreatedProduct, Ledger, PendingOrderPost, Probe

from shared.testing.gateway import Client

ORDERS = "/api/v1/orders/"
PRODUCTS = "/api/v1/products/"
INVENTORY = "/api/v1/inventory/"
# Longer than any single fault (a server's kill, down time and start), so a retried POST outlives it.
ORDER_RETRY_BUDGET_S = 90.0
# A quantity no item has: the order must end `failed` with its shortage.
OVERSIZED_QUANTITY = 900


class Catalog:
    """The products this run created and the customers may order."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    def pick(self, rng: random.Random, count: int) -> list[str]:
        ids = self.ledger.product_ids()
        return rng.sample(ids, min(count, len(ids)))


class Actor(threading.Thread):
    def __init__(self, name: str, client: Client, ledger: Ledger, catalog: Catalog, stop: threading.Event,
                 seed: str, pause: tuple[float, float]):  # fmt: skip
        super().__init__(name=name, daemon=True)
        self.client = client
        self.ledger = ledger
        self.catalog = catalog
        self.stop_event = stop
        self.rng = random.Random(seed)  # noqa: S311 - load choices, not secrets
        self.pause = pause
        self.crashed: BaseException | None = None

    def run(self):
        try:
            while not self.stop_event.is_set():
                self.step()
                self.stop_event.wait(self.rng.uniform(*self.pause))
        except BaseException as exc:  # a bug in the load itself must fail the run, not vanish in a thread
            self.crashed = exc
            raise

    def step(self):
        raise NotImplementedError


class Customer(Actor):
    """Orders one or two products, one to three of each (now and then far more than any stock),
    cancels some of its orders, and probes that it sees its own orders and never anyone else's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.my_orders: list[str] = []

    def step(self):
        roll = self.rng.random()
        if roll < 0.65:
            self.place_order()
        elif roll < 0.85:
            self.cancel_order()
        else:
            self.probe()

    def place_order(self):
        products = self.catalog.pick(self.rng, self.rng.choice((1, 1, 2)))
        if not products:
            return
        if self.rng.random() < 0.08:
            lines = {products[0]: OVERSIZED_QUANTITY}
        else:
            lines = {product_id: self.rng.randint(1, 3) for product_id in products}
        post = PendingOrderPost(
            customer=self,
            idempotency_key=str(uuid.uuid4()),
            body={"items": [{"product_id": p, "quantity": q} for p, q in lines.items()]},
            first_sent=time.time(),
        )
        if not self.send_order(post, deadline=time.monotonic() + ORDER_RETRY_BUDGET_S, stop=self.stop_event):
            self.ledger.order_unanswered(post)

    def send_order(self, post: PendingOrderPost, *, deadline: float, stop: threading.Event | None) -> bool:
        """POST the order, retrying with its key until a definite answer; False if there was none."""
        wait = 0.5
        while True:
            answer = self.client.call(
                "order create",
                "POST",
                ORDERS,
                body=post.body,
                headers={"Idempotency-Key": post.idempotency_key},
            )
            if answer.ok:
                order = answer.body
                lines = {line["product_id"]: line["quantity"] for line in order["items"]}
                self.ledger.order_accepted(
                    AcceptedOrder(order["id"], order["user_id"], post.idempotency_key, lines, post.first_sent)
                )
                self.my_orders.append(order["id"])
                return True
            if answer.status is not None and 400 <= answer.status < 500 and answer.status not in (401, 429):
                self.ledger.order_rejected(answer.status)
                return True
            if time.monotonic() + wait > deadline or (stop is not None and stop.is_set()):
                return False
            time.sleep(wait)
            wait = min(wait * 2, 4.0)

    def cancel_order(self):
        if not self.my_orders:
            return
        order_id = self.rng.choice(self.my_orders)
        # 409: already failed or cancelled, an answer as good as 200 for this client.
        self.client.call("order cancel", "DELETE", f"{ORDERS}{order_id}", expect=(200, 409))

    def probe(self):
        """Someone else's order must be a 404; one's own list must hold only one's own orders."""
        others = self.ledger.order_ids_of_others(self.client.user_id)
        if others and self.rng.random() < 0.5:
            order_id = self.rng.choice(others)
            answer = self.client.call("peek other's order", "GET", f"{ORDERS}{order_id}", expect=(404,))
            if answer.status == 200:
                self.ledger.probe(
                    Probe(time.time(), "another's order", f"{self.client.email} read {order_id}")
                )
            elif answer.status == 404:
                self.ledger.probe(Probe(time.time(), "another's order", None))
            return
        answer = self.client.call("own orders", "GET", f"{ORDERS}?limit=50")
        if answer.ok:
            foreign = [o["id"] for o in answer.body["results"] if o["user_id"] != self.client.user_id]
            violation = f"{self.client.email} listed {foreign}" if foreign else None
            self.ledger.probe(Probe(time.time(), "own list", violation))


class Staff(Actor):
    """Creates products (small stocks, so low-stock thresholds are crossed), renames and reprices them,
    and restocks items that run low (which re-arms their low-stock alert)."""

    def __init__(self, *args, sku_prefix: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.sku_prefix = sku_prefix
        self.made = 0

    def step(self):
        roll = self.rng.random()
        if roll < 0.2:
            self.create_product(self.rng.randint(8, 30))
        elif roll < 0.45:
            self.edit_product()
        else:
            self.restock()

    def create_product(self, initial_stock: int) -> str | None:
        """Create a product; retried with the same sku, where 409 means an earlier try got through."""
        self.made += 1
        sku = f"{self.sku_prefix}-P{self.made:03d}"
        body = {"sku": sku, "name": sku, "category": "chaos", "price": "4.20", "initial_stock": initial_stock}
        for _ in range(30):
            answer = self.client.call("product create", "POST", PRODUCTS, body=body, expect=(201, 409))
            if answer.status == 201:
                product_id = answer.body["id"]
                break
            if answer.status == 409:
                product_id = self.find_product(sku)
                if product_id:
                    break
            if self.stop_event.is_set():
                return None
            time.sleep(1.0)
        else:
            return None
        self.ledger.product_created(CreatedProduct(product_id, sku, initial_stock, time.time()))
        return product_id

    def find_product(self, sku: str) -> str | None:
        answer = self.client.call("product search", "GET", f"{PRODUCTS}?search={sku}&limit=5")
        if not answer.ok:
            return None
        return next((p["id"] for p in answer.body["results"] if p["sku"] == sku), None)

    def edit_product(self):
        products = self.catalog.pick(self.rng, 1)
        if not products:
            return
        price = f"{self.rng.randint(100, 999) / 100:.2f}"
        # The name keeps the sku, so a search by sku still finds the product.
        sku = self.ledger.products[products[0]].sku
        body = {"name": f"{sku} at {price}", "price": price}
        # 409: the product is locked by a write that crashed holding it (until the lock expires).
        self.client.call("product edit", "PATCH", f"{PRODUCTS}{products[0]}", body=body, expect=(200, 409))

    def restock(self):
        products = self.catalog.pick(self.rng, 1)
        if not products:
            return
        answer = self.client.call("inventory read", "GET", f"{INVENTORY}?product_id={products[0]}")
        if not answer.ok or not answer.body["results"]:
            return
        item = answer.body["results"][0]
        if item["available"] > item["reorder_threshold"] + 3:
            return
        body = {"quantity": item["quantity"] + self.rng.randint(10, 25), "reason": "chaos restock"}
        # 409: reservations grew past the new quantity meanwhile; the next round tries again.
        self.client.call("restock", "PATCH", f"{INVENTORY}{item['id']}", body=body, expect=(200, 409))


class Clerk(Actor):
    """The shop's side of an order: pays the confirmed ones (as the payment provider's callback would, with
    one reference per order, so a retry is the same payment), processes, ships and delivers them, and
    refunds some before shipping and after delivery (the goods back on the shelf or not)."""

    DONE = ("failed", "cancelled", "refunded")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.done: set[str] = set()  # orders with nothing left to do, not picked again

    def step(self):
        order_ids = [order_id for order_id in self.ledger.accepted_order_ids() if order_id not in self.done]
        if not order_ids:
            return
        answer = self.client.call("order read (staff)", "GET", f"{ORDERS}{self.rng.choice(order_ids)}")
        if not answer.ok:
            return
        order, roll = answer.body, self.rng.random()
        if order["status"] in self.DONE:
            self.done.add(order["id"])
        match order["status"]:
            case "confirmed":
                self.pay(order)
            case "paid":
                self.refund(order) if roll < 0.15 else self.move(order, "processing")
            case "processing":
                self.refund(order) if roll < 0.1 else self.move(order, "shipped")
            case "shipped":
                self.move(order, "delivered")
            case "delivered" if roll < 0.25:
                self.refund(order, restock=self.rng.random() < 0.5)

    def pay(self, order):
        body = {
            "amount": order["total"],
            "currency": order["currency"],
            "reference": f"chaos-{order['id']}",
            "method": "card",
        }
        # 409: cancelled meanwhile (the customer, or the payment window).
        self.client.call(
            "order pay", "POST", f"{ORDERS}{order['id']}/payments", body=body, expect=(200, 201, 409)
        )

    def move(self, order, status):
        body = {"status": status, "reason": "chaos clerk"}
        self.client.call(
            f"order {status}", "PUT", f"{ORDERS}{order['id']}/status", body=body, expect=(200, 409)
        )

    def refund(self, order, restock=False):
        body = {"amount": order["total"], "reason": "chaos refund", "restock": restock}
        self.client.call(
            "order refund", "POST", f"{ORDERS}{order['id']}/refunds", body=body, expect=(200, 201, 409)
        )


def settle_unanswered(ledger: Ledger, budget_s: float = 60.0) -> int:
    """Retry, with their own keys, the order POSTs that never got an answer; return how many still
    have none (their orders may exist: the store check looks at every order of the run's customers)."""
    deadline = time.monotonic() + budget_s
    left = 0
    for post in ledger.take_unanswered():
        if not post.customer.send_order(post, deadline=deadline, stop=None):
            left += 1
    return left

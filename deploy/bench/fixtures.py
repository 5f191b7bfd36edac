"""What the benchmark makes before it measures, and removes afterwards.

Every name carries the run's tag (``bench-<tag>-...``), so two runs, or a run and the test suite, never
meet. Products are deleted through the API at the end. Orders have no delete in the API (they are
records), so the run's orders are removed from order_svc's MongoDB directly at the end: on the local
stack's FerretDB every query but one by ``_id`` reads the whole collection, and thousands of leftover
orders would make every later run, relay poll and test slower.
"""

import asyncio
import base64
import json
import secrets
from dataclasses import dataclass, field

from gateway import Account, Gateway, gather_limited, poll
from pymongo import MongoClient
from stack import service_env

BIG_STOCK = 1_000_000  # the API's maximum initial stock: orders of one unit never run out
LOW_STOCK = 10  # threshold max(5, 10 %) = 5: one order of 6 crosses it


@dataclass
class Fixtures:
    gateway: Gateway
    tag: str = field(default_factory=lambda: secrets.token_hex(3))
    staff: Account | None = None
    customers: list[Account] = field(default_factory=list)
    products: list[str] = field(default_factory=list)  # ids of every product made, for the clean-up
    stocked: list[str] = field(default_factory=list)  # products with BIG_STOCK, for orders and reads
    skus: dict[str, str] = field(default_factory=dict)
    spare_product: str = ""  # patched to invalidate the catalog cache (reads.CacheGenerations)

    @property
    def category(self) -> str:
        return f"bench-{self.tag}"

    def sku(self, kind: str, number: int) -> str:
        return f"BENCH-{self.tag}-{kind}-{number:05d}".upper()

    async def make_staff(self) -> Account:
        self.staff = await self.gateway.staff(f"bench-{self.tag}-staff@example.com")
        return self.staff

    async def make_customers(self, count: int, kind: str = "c") -> list[Account]:
        """Registered and logged in, a few at a time (each costs a password hash on user_svc)."""
        start = len(self.customers)
        emails = [f"bench-{self.tag}-{kind}{start + n}@example.com" for n in range(count)]
        accounts = await gather_limited([self.gateway.register(email) for email in emails], limit=2)
        await gather_limited([self.gateway.login(account) for account in accounts], limit=2)
        self.customers.extend(accounts)
        return accounts

    async def create_product(self, kind: str, number: int, stock: int) -> str:
        sku = self.sku(kind, number)
        product_id = await self.gateway.create_product(
            self.staff, sku=sku, category=self.category, stock=stock
        )
        self.products.append(product_id)
        self.skus[product_id] = sku
        return product_id

    async def stock_products(self, count: int) -> list[str]:
        """At least ``count`` products with BIG_STOCK (tops up what the catalog scenario made)."""
        missing = count - len(self.stocked)
        start = len(self.products)
        made = await gather_limited(
            [self.create_product("S", start + n, BIG_STOCK) for n in range(max(0, missing))], limit=4
        )
        self.stocked.extend(made)
        return self.stocked

    async def wait_for_items(self, product_ids: list[str], timeout: float = 120.0) -> list[str]:
        """The products inventory has an item for, once it has one for each or ``timeout`` passed (an
        order for a product inventory does not know yet fails)."""
        items = await gather_limited(
            [
                poll(lambda p=p: self.gateway.inventory_item(self.staff, p), timeout=timeout)
                for p in product_ids
            ]
        )
        return [p for p, item in zip(product_ids, items, strict=True) if item is not None]

    async def stock_pool(self, count: int, minimum: int = 3) -> list[str]:
        """At least ``count`` stocked products that inventory knows (``minimum`` will do after a timeout)."""
        await self.stock_products(count)
        self.stocked = await self.wait_for_items(self.stocked)
        if len(self.stocked) < minimum:
            raise TimeoutError(f"only {len(self.stocked)} products reached inventory")
        return self.stocked

    async def cleanup(self) -> dict:
        deleted = 0
        if self.staff and self.products:
            results = await gather_limited(
                [self.gateway.delete_product(self.staff, p) for p in self.products]
            )
            deleted = sum(results)
        removed = await asyncio.to_thread(self._remove_orders)
        return {"products_deleted": deleted, "orders_removed": removed}

    def _remove_orders(self) -> int:
        user_ids = [token_user_id(account.access) for account in self.customers if account.access]
        if not user_ids:
            return 0
        env = service_env("order")
        with MongoClient(env["MONGO_URL"], serverSelectionTimeoutMS=3000) as client:
            result = client[env["MONGO_DB"]]["orders"].delete_many({"user_id": {"$in": user_ids}})
        return result.deleted_count


def token_user_id(access_token: str) -> str:
    """The ``user_id`` claim of our own access token (read, not verified: we just got it from user_svc)."""
    payload = access_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["user_id"]

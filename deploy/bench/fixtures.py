"""What the benchmark makes before it measures, and removes afterwards.

Every name carries the run's tag (``bench-<tag>-...``), so two runs, or a run and the test suite, never
meet. Products are deleted through the API at the end. Orders have no delete in the API (they are
records), so the run's orders are removed from order_svc's MongoDB directly at the end: on the local
stack's FerretDB every query but one by ``_id`` reads the whole collection, and thousands of leftover
orders would make every later run, relay poll and test slower.
"""

import asyncio
import secrets
from dataclasses import dataclass, field

from pymongo import MongoClient
from stack import service_env
from waiting import gather_limited, poll

from shared.testing.gateway import Account, AsyncGateway

PRODUCTS_PATH = "/api/v1/products/"
BIG_STOCK = 1_000_000  # the API's maximum initial stock: orders of one unit never run out
LOW_STOCK = 10  # threshold max(5, 10 %) = 5: one order of 6 crosses it


@dataclass
class Fixtures:
    gateway: AsyncGateway
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
        self.staff = await self.gateway.new_staff(f"bench-{self.tag}-staff@example.com")
        return self.staff

    async def make_customers(self, count: int, kind: str = "c") -> list[Account]:
        """Registered and logged in, a few at a time (each costs a password hash on user_svc)."""
        start = len(self.customers)
        emails = [f"bench-{self.tag}-{kind}{start + n}@example.com" for n in range(count)]
        accounts = await gather_limited([self.gateway.new_customer(email) for email in emails], limit=2)
        self.customers.extend(accounts)
        return accounts

    async def create_product(self, kind: str, number: int, stock: int) -> str:
        sku = self.sku(kind, number)
        made = await self.gateway.must(
            "POST",
            PRODUCTS_PATH,
            token=await self.gateway.bearer(self.staff),
            body=product_body(sku, self.category, stock),
            expect=(201,),
        )
        product_id = made["id"]
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
            [poll(lambda p=p: self.inventory_item(p), timeout=timeout) for p in product_ids]
        )
        return [p for p, item in zip(product_ids, items, strict=True) if item is not None]

    async def stock_pool(self, count: int, minimum: int = 3) -> list[str]:
        """At least ``count`` stocked products that inventory knows (``minimum`` will do after a timeout)."""
        await self.stock_products(count)
        self.stocked = await self.wait_for_items(self.stocked)
        if len(self.stocked) < minimum:
            raise TimeoutError(f"only {len(self.stocked)} products reached inventory")
        return self.stocked

    async def inventory_item(self, product_id: str) -> dict | None:
        body = await self.gateway.must(
            "GET",
            "/api/v1/inventory/",
            token=await self.gateway.bearer(self.staff),
            params={"product_id": product_id},
        )
        return body["results"][0] if body["results"] else None

    async def cleanup(self) -> dict:
        deleted = 0
        if self.staff and self.products:
            results = await gather_limited([self._delete_product(p) for p in self.products])
            deleted = sum(results)
        removed = await asyncio.to_thread(self._remove_orders)
        return {"products_deleted": deleted, "orders_removed": removed}

    async def _delete_product(self, product_id: str) -> bool:
        token = await self.gateway.bearer(self.staff)
        answer = await self.gateway.call(
            "DELETE", f"{PRODUCTS_PATH}{product_id}", token=token, expect=(204, 404)
        )
        return answer.ok

    def _remove_orders(self) -> int:
        user_ids = [account.user_id for account in self.customers if account.user_id]
        if not user_ids:
            return 0
        env = service_env("order")
        with MongoClient(env["MONGO_URL"], serverSelectionTimeoutMS=3000) as client:
            result = client[env["MONGO_DB"]]["orders"].delete_many({"user_id": {"$in": user_ids}})
        return result.deleted_count


def product_body(sku: str, category: str, stock: int) -> dict:
    return {
        "sku": sku,
        "name": f"Bench item {sku}",
        "category": category,
        "price": "12.50",
        "description": "Made by the benchmark; deleted when it ends.",
        "initial_stock": stock,
    }

"""Reading the real stores after the run: one Snapshot of everything the invariants look at, limited to
the data this run made (its products' sku prefix, its customers' orders), so other people's tests
sharing the stack do not count. The global parts (outboxes, dead-letter queues) are read whole.

Tables and collections: inventory_svc/stock/models.py (``stock_*``), shared/messaging/pg_outbox/models.py
(``outbox_outboxmessage``), notification_svc/notifications/models.py (``notifications_notification``),
order_svc/orders/repository.py (``orders``), product_svc/products/repository.py (``products``), and the
embedded outboxes of shared/messaging/mongo_outbox.py (``outbox_pending``).
"""

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
import pymongo
import redis
import requests
from stack import Addresses

from shared.events.names import LOW_STOCK_GROUP, LOW_STOCK_STREAM, SAGA_QUEUES

LOW_STOCK_SUBJECT = re.compile(r"^Low stock: (?P<sku>\S+) \((?P<available>-?\d+) left\)$")
# Longer than the relays' longest back-off (10 s): a message older than this once the platform has settled
# is stuck, not on its way. Other people's traffic on the shared stack may keep fresh messages in the
# outboxes, so only stale ones and this run's own count against the platform.
STALE_S = 15.0
# The DB constraints that make "available never negative" a rule of the database, not of the code.
STOCK_CONSTRAINTS = ("item_reserved_not_negative", "item_quantity_covers_reserved")


@dataclass(frozen=True)
class Scope:
    """What this run made: its products' sku prefix and ids, and its customers."""

    sku_prefix: str
    user_ids: list[str]
    product_ids: list[str]


@dataclass
class OutboxDepth:
    waiting: int  # every message waiting, whoever's
    stale: int  # waiting longer than STALE_S
    ours: int  # about this run's products or orders


@dataclass
class Order:
    id: str
    user_id: str
    status: str
    lines: dict[str, int]
    created_at: float
    total_cents: int = 0
    paid_cents: int = 0


@dataclass
class Product:
    id: str
    sku: str
    is_deleted: bool
    created_at: float


@dataclass
class Item:
    id: str
    product_id: str
    sku: str
    quantity: int
    reserved: int
    reorder_threshold: int
    low_stock_alerted: bool


@dataclass
class Movement:
    id: int
    item_id: str
    kind: str
    quantity_delta: int
    reserved_delta: int
    quantity_after: int
    reserved_after: int
    order_id: str
    at: float


@dataclass
class Reservation:
    order_id: str
    item_id: str
    quantity: int
    status: str


@dataclass
class Alert:
    """A low-stock email, as notification_svc recorded it or as Mailpit received it."""

    sku: str
    available: int
    at: float
    status: str = "sent"
    event_id: str = ""


@dataclass
class Snapshot:
    orders: dict[str, Order] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    movements: dict[str, list[Movement]] = field(default_factory=dict)  # by item id, in id order
    reservations: list[Reservation] = field(default_factory=list)
    notifications: list[Alert] = field(default_factory=list)
    emails: list[Alert] = field(default_factory=list)
    constraints: set[str] = field(default_factory=set)
    outboxes: dict[str, OutboxDepth] = field(default_factory=dict)
    queues: dict[str, int] = field(default_factory=dict)  # depth of saga and dead-letter queues


def _epoch(moment: datetime) -> float:
    if moment.tzinfo is None:  # pymongo hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


class Stores:
    def __init__(self, addresses: Addresses):
        self.addresses = addresses
        self.mongo = pymongo.MongoClient(addresses.mongo_url, serverSelectionTimeoutMS=5000)
        self.redis = redis.Redis.from_url(addresses.redis_url, socket_timeout=5)

    def close(self) -> None:
        self.mongo.close()
        self.redis.close()

    # The whole picture ------------------------------------------------------------------------------
    def snapshot(self, scope: Scope) -> Snapshot:
        snap = Snapshot()
        snap.orders = self.orders_of(scope.user_ids)
        snap.products = self.products_with_prefix(scope.sku_prefix)
        self._read_inventory(snap, scope.sku_prefix)
        snap.notifications = self.low_stock_notifications(scope.sku_prefix)
        snap.emails = self.low_stock_emails(scope.sku_prefix)
        snap.outboxes = self.outbox_depths(scope)
        snap.queues = self.settled_queue_depths()
        return snap

    # MongoDB ----------------------------------------------------------------------------------------
    def orders_of(self, user_ids: list[str]) -> dict[str, Order]:
        cursor = self.mongo[self.addresses.order_db]["orders"].find(
            {"user_id": {"$in": user_ids}}, {"outbox": 0}
        )
        return {
            doc["_id"]: Order(
                id=doc["_id"],
                user_id=doc["user_id"],
                status=doc["status"],
                lines={line["product_id"]: line["quantity"] for line in doc["items"]},
                created_at=_epoch(doc["created_at"]),
                total_cents=doc["total_cents"],
                paid_cents=sum(payment["amount_cents"] for payment in doc.get("payments", [])),
            )
            for doc in cursor
        }

    def products_with_prefix(self, sku_prefix: str) -> dict[str, Product]:
        cursor = self.mongo[self.addresses.product_db]["products"].find(
            {"sku": {"$regex": f"^{re.escape(sku_prefix)}"}}, {"outbox": 0}
        )
        return {
            doc["_id"]: Product(
                doc["_id"], doc["sku"], doc.get("is_deleted", False), _epoch(doc["created_at"])
            )
            for doc in cursor
        }

    def pending_orders(self, user_ids: list[str]) -> int:
        return self.mongo[self.addresses.order_db]["orders"].count_documents(
            {"user_id": {"$in": user_ids}, "status": "pending"}
        )

    # PostgreSQL -------------------------------------------------------------------------------------
    def _read_inventory(self, snap: Snapshot, sku_prefix: str) -> None:
        product_ids = list(snap.products)
        with psycopg.connect(self.addresses.inventory_dsn, connect_timeout=5) as db:
            # Items of the run's products, and any item carrying the run's sku without a product.
            rows = db.execute(
                "SELECT id::text, product_id, sku, quantity, reserved, reorder_threshold, low_stock_alerted"
                " FROM stock_item WHERE product_id = ANY(%s) OR sku LIKE %s",
                (product_ids, f"{sku_prefix}%"),
            ).fetchall()
            snap.items = [Item(*row) for row in rows]
            item_ids = [item.id for item in snap.items]
            for row in db.execute(
                "SELECT id, item_id::text, kind, quantity_delta, reserved_delta, quantity_after,"
                " reserved_after, order_id, created_at FROM stock_movement"
                " WHERE item_id = ANY(%s::uuid[]) ORDER BY id",
                (item_ids,),
            ):
                movement = Movement(*row[:-1], at=row[-1].timestamp())
                snap.movements.setdefault(movement.item_id, []).append(movement)
            snap.reservations = [
                Reservation(*row)
                for row in db.execute(
                    "SELECT order_id, item_id::text, quantity, status FROM stock_reservation"
                    " WHERE item_id = ANY(%s::uuid[])",
                    (item_ids,),
                )
            ]
            snap.constraints = {
                name
                for (name,) in db.execute(
                    "SELECT conname FROM pg_constraint WHERE conrelid = 'stock_item'::regclass"
                    " AND contype = 'c' AND convalidated"
                )
            }

    def items_of(self, product_ids: list[str]) -> int:
        """How many of these products have their inventory item."""
        with psycopg.connect(self.addresses.inventory_dsn, connect_timeout=5) as db:
            return db.execute(
                "SELECT count(*) FROM stock_item WHERE product_id = ANY(%s)", (product_ids,)
            ).fetchone()[0]

    def low_stock_notifications(self, sku_prefix: str) -> list[Alert]:
        with psycopg.connect(self.addresses.notification_dsn, connect_timeout=5) as db:
            rows = db.execute(
                "SELECT subject, status, created_at, event_id::text FROM notifications_notification"
                " WHERE kind = 'low_stock' AND subject LIKE %s",
                (f"Low stock: {sku_prefix}%",),
            ).fetchall()
        alerts = []
        for subject, status, created_at, event_id in rows:
            match = LOW_STOCK_SUBJECT.match(subject)
            if match:
                alerts.append(
                    Alert(match["sku"], int(match["available"]), created_at.timestamp(), status, event_id)
                )
        return alerts

    # Mailpit --------------------------------------------------------------------------------------
    def low_stock_emails(self, sku_prefix: str) -> list[Alert]:
        """Every message Mailpit holds whose subject names one of the run's skus."""
        emails, start = [], 0
        while True:
            response = requests.get(
                f"{self.addresses.mailpit_url}/api/v1/search",
                params={"query": f'subject:"{sku_prefix}"', "start": start, "limit": 500},
                timeout=30,
            )
            response.raise_for_status()
            page = response.json()["messages"]
            for message in page:
                match = LOW_STOCK_SUBJECT.match(message["Subject"])
                if match and match["sku"].startswith(sku_prefix):
                    moment = datetime.fromisoformat(message["Created"].replace("Z", "+00:00"))
                    emails.append(Alert(match["sku"], int(match["available"]), moment.timestamp()))
            if len(page) < 500:
                return emails
            start += len(page)

    # Brokers and outboxes ---------------------------------------------------------------------------
    def outbox_depths(self, scope: Scope) -> dict[str, OutboxDepth]:
        """Messages waiting in each outbox of the platform: all, stale, and this run's."""
        cutoff = datetime.now(UTC) - timedelta(seconds=STALE_S)
        orders = self.mongo[self.addresses.order_db]["orders"]
        order_ids = [doc["_id"] for doc in orders.find({"user_id": {"$in": scope.user_ids}}, {"_id": 1})]
        with psycopg.connect(self.addresses.inventory_dsn, connect_timeout=5) as db:
            inventory = OutboxDepth(
                *db.execute(
                    "SELECT count(*), count(*) FILTER (WHERE created_at < %s),"
                    " count(*) FILTER (WHERE payload->'data'->>'product_id' = ANY(%s)"
                    " OR payload->'data'->>'order_id' = ANY(%s)) FROM outbox_outboxmessage",
                    (cutoff, scope.product_ids, order_ids),
                ).fetchone()
            )
        return {
            "inventory_svc outbox table": inventory,
            "product_svc embedded outboxes": self._embedded_depth(
                self.mongo[self.addresses.product_db]["products"],
                cutoff,
                {"sku": {"$regex": f"^{re.escape(scope.sku_prefix)}"}},
            ),
            "order_svc embedded outboxes": self._embedded_depth(
                orders, cutoff, {"user_id": {"$in": scope.user_ids}}
            ),
        }

    @staticmethod
    def _embedded_depth(collection, cutoff: datetime, ours: dict) -> OutboxDepth:
        pending = {"outbox_pending": True}
        return OutboxDepth(
            waiting=collection.count_documents(pending),
            stale=collection.count_documents({**pending, "updated_at": {"$lt": cutoff}}),
            ours=collection.count_documents({**pending, **ours}),
        )

    def queue_depths(self) -> dict[str, int]:
        """Messages (ready and unacknowledged) in each saga queue and its dead-letter queue."""
        api, vhost = self.addresses.rabbitmq_api, self.addresses.rabbitmq_vhost
        response = requests.get(f"{api}/queues/{vhost}", auth=self.addresses.rabbitmq_auth, timeout=10)
        response.raise_for_status()
        wanted = {*SAGA_QUEUES, *(f"{name}.dead" for name in SAGA_QUEUES)}
        depths = dict.fromkeys(sorted(wanted), 0)
        for queue in response.json():
            if queue["name"] in wanted:
                depths[queue["name"]] = queue.get("messages", 0) or 0
        return depths

    def settled_queue_depths(self, second_look_after_s: float = 6.0) -> dict[str, int]:
        """Queue depths, looked at again after a pause when a saga queue is not empty: the management API
        counts on a timer, and other people's traffic passes through the same queues; only what is still
        there on the second look counts."""
        first = self.queue_depths()
        if not any(depth for name, depth in first.items() if not name.endswith(".dead")):
            return first
        time.sleep(second_look_after_s)
        second = self.queue_depths()
        return {name: min(first[name], second[name]) for name in first}

    def listener_backlog(self) -> int:
        """Low-stock stream entries the notification listener has not read or not acknowledged."""
        backlog = 0
        for group in self.redis.xinfo_groups(LOW_STOCK_STREAM):
            if group["name"] in (LOW_STOCK_GROUP, LOW_STOCK_GROUP.encode()):
                backlog += int(group.get("pending") or 0) + int(group.get("lag") or 0)
        return backlog

    def pending_notifications(self, sku_prefix: str) -> int:
        return sum(1 for alert in self.low_stock_notifications(sku_prefix) if alert.status == "pending")

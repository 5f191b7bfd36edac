"""Names of topics, event types, queues, tasks and Redis keys. Never write these as literals elsewhere:
one search for a constant finds its producer, its consumer and their tests."""

# Kafka topics (key = product id; order.events: key = order id).
PRODUCT_EVENTS_TOPIC = "product.events"
INVENTORY_EVENTS_TOPIC = "inventory.events"
ORDER_EVENTS_TOPIC = "order.events"
INVENTORY_CONSUMER_GROUP = "inventory-consumer-group"
NOTIFICATION_ORDER_GROUP = "notification-order-group"

# Event types on product.events.
PRODUCT_CREATED = "product.created"
PRODUCT_UPDATED = "product.updated"
PRODUCT_DELETED = "product.deleted"

# Event types on inventory.events.
INVENTORY_CREATED = "inventory.created"
INVENTORY_RESERVED = "inventory.reserved"
INVENTORY_RELEASED = "inventory.released"
INVENTORY_ADJUSTED = "inventory.adjusted"
INVENTORY_LOW_STOCK = "inventory.low_stock"
INVENTORY_COMMITTED = "inventory.committed"  # an order shipped: its reserved units left the warehouse
INVENTORY_RETURNED = "inventory.returned"  # a shipped order's goods came back to the shelf

# Event types on order.events: every status change of an order, its creation included.
ORDER_STATUS_CHANGED = "order.status_changed"
# The status values of order.status_changed that other services act on (order_svc's orders.statuses).
ORDER_STATUS_SHIPPED = "shipped"

# RabbitMQ queues and the Celery tasks that run on them (the saga).
ORDER_CREATED_QUEUE = "order_created"
INVENTORY_RESERVED_QUEUE = "inventory_reserved"
INVENTORY_FAILED_QUEUE = "inventory_failed"
INVENTORY_RELEASE_QUEUE = "inventory_release"
INVENTORY_COMMIT_QUEUE = "inventory_commit"
INVENTORY_RESTOCK_QUEUE = "inventory_restock"
RESERVE_STOCK_TASK = "inventory.reserve_stock"
RELEASE_STOCK_TASK = "inventory.release_stock"
# Shipping: the reservation's units leave quantity and reserved.
COMMIT_STOCK_TASK = "inventory.commit_stock"
# A refund after delivery with the goods back: the units return to quantity.
RESTOCK_TASK = "inventory.restock"
ORDER_INVENTORY_RESERVED_TASK = "orders.inventory_reserved"
ORDER_INVENTORY_FAILED_TASK = "orders.inventory_failed"
# Every queue of the saga: declared durable, each with its dead-letter queue (shared.celery), by senders
# and workers alike.
SAGA_QUEUES = (
    ORDER_CREATED_QUEUE,
    INVENTORY_RESERVED_QUEUE,
    INVENTORY_FAILED_QUEUE,
    INVENTORY_RELEASE_QUEUE,
    INVENTORY_COMMIT_QUEUE,
    INVENTORY_RESTOCK_QUEUE,
)

# Redis low-stock alerts.
LOW_STOCK_CHANNEL = "inventory:low-stock"
LOW_STOCK_STREAM = "inventory:low-stock:stream"
LOW_STOCK_GROUP = "notification-svc"  # notification_svc's consumer group on the stream

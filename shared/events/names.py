"""Names of topics, event types, queues, tasks and Redis keys. Never write these as literals elsewhere:
one search for a constant finds its producer, its consumer and their tests."""

# Kafka topics (key = product id).
PRODUCT_EVENTS_TOPIC = "product.events"
INVENTORY_EVENTS_TOPIC = "inventory.events"
INVENTORY_CONSUMER_GROUP = "inventory-consumer-group"

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

# RabbitMQ queues and the Celery tasks that run on them (the saga).
ORDER_CREATED_QUEUE = "order_created"
INVENTORY_RESERVED_QUEUE = "inventory_reserved"
INVENTORY_FAILED_QUEUE = "inventory_failed"
INVENTORY_RELEASE_QUEUE = "inventory_release"
RESERVE_STOCK_TASK = "inventory.reserve_stock"
RELEASE_STOCK_TASK = "inventory.release_stock"
ORDER_INVENTORY_RESERVED_TASK = "orders.inventory_reserved"
ORDER_INVENTORY_FAILED_TASK = "orders.inventory_failed"

# Redis low-stock alerts.
LOW_STOCK_CHANNEL = "inventory:low-stock"
LOW_STOCK_STREAM = "inventory:low-stock:stream"

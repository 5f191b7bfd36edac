-- inventory_svc's reserve transaction for an order of three lines, statement for statement as
-- stock.services.stock_reserve sends it (one round trip each). pgbench -D items=N: stock_item holds
-- products p100000 .. p(100000+N-1), item id md5(product_id); the three lines come from three thirds,
-- so they always differ.
\set oid random(1, 9000000000000000000)
\set third :items / 3
\set a random(100000, 100000 + :third - 1)
\set b :a + :third
\set c :a + 2 * :third
BEGIN;
SAVEPOINT s1;
INSERT INTO stock_orderreservation (order_id, status, shortages, created_at, updated_at) VALUES ('o' || :oid, 'reserved', '[]'::jsonb, now(), now());
RELEASE SAVEPOINT s1;
SELECT id, product_id, sku, quantity, reserved, reorder_threshold, is_active, low_stock_alerted, created_at, updated_at FROM stock_item WHERE product_id IN ('p' || :a, 'p' || :b, 'p' || :c) ORDER BY product_id FOR UPDATE;
UPDATE stock_item SET reserved = reserved + 1, updated_at = now() WHERE id = md5('p' || :a)::uuid;
INSERT INTO stock_reservation (order_id, item_id, quantity, status, created_at, released_at) VALUES ('o' || :oid, md5('p' || :a)::uuid, 1, 'active', now(), NULL) RETURNING id;
INSERT INTO stock_movement (item_id, kind, quantity_delta, reserved_delta, quantity_after, reserved_after, order_id, actor, reason, created_at) VALUES (md5('p' || :a)::uuid, 'reserved', 0, 1, 1000000000, 1, 'o' || :oid, 'inventory_svc', '', now()) RETURNING id;
UPDATE stock_item SET reserved = reserved + 1, updated_at = now() WHERE id = md5('p' || :b)::uuid;
INSERT INTO stock_reservation (order_id, item_id, quantity, status, created_at, released_at) VALUES ('o' || :oid, md5('p' || :b)::uuid, 1, 'active', now(), NULL) RETURNING id;
INSERT INTO stock_movement (item_id, kind, quantity_delta, reserved_delta, quantity_after, reserved_after, order_id, actor, reason, created_at) VALUES (md5('p' || :b)::uuid, 'reserved', 0, 1, 1000000000, 1, 'o' || :oid, 'inventory_svc', '', now()) RETURNING id;
UPDATE stock_item SET reserved = reserved + 1, updated_at = now() WHERE id = md5('p' || :c)::uuid;
INSERT INTO stock_reservation (order_id, item_id, quantity, status, created_at, released_at) VALUES ('o' || :oid, md5('p' || :c)::uuid, 1, 'active', now(), NULL) RETURNING id;
INSERT INTO stock_movement (item_id, kind, quantity_delta, reserved_delta, quantity_after, reserved_after, order_id, actor, reason, created_at) VALUES (md5('p' || :c)::uuid, 'reserved', 0, 1, 1000000000, 1, 'o' || :oid, 'inventory_svc', '', now()) RETURNING id;
INSERT INTO outbox_outboxmessage (kind, destination, key, event_id, payload, created_at) VALUES ('kafka', 'inventory.events', 'o' || :oid, gen_random_uuid(), '{"event_id": "00000000-0000-4000-8000-000000000000", "event_type": "inventory.reserved", "event_version": 1, "occurred_at": "2026-01-01T00:00:00+00:00", "source": "inventory_svc", "correlation_id": null, "data": {"order_id": "o", "items": [{"product_id": "p100001", "quantity": 1}, {"product_id": "p101001", "quantity": 1}, {"product_id": "p102001", "quantity": 1}]}}'::jsonb, now()) RETURNING id;
INSERT INTO outbox_outboxmessage (kind, destination, key, event_id, payload, created_at) VALUES ('celery', 'orders.inventory_reserved@inventory_reserved', '', gen_random_uuid(), '{"event_id": "00000000-0000-4000-8000-000000000001", "event_type": "orders.inventory_reserved", "event_version": 1, "occurred_at": "2026-01-01T00:00:00+00:00", "source": "inventory_svc", "correlation_id": null, "data": {"order_id": "o"}}'::jsonb, now()) RETURNING id;
COMMIT;

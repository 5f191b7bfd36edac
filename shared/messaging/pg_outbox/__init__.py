"""The transactional outbox of the PostgreSQL services: a row written in the same transaction as the
state change, delivered by the relay afterwards. Install as the Django app ``shared.messaging.pg_outbox``."""

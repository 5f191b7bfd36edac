"""Getting messages out reliably: outbox records written with the state change, and the relay that
publishes them afterwards (at least once; consumers deduplicate on event_id)."""

-- The province sync (issue 12). Every trip's events form a stream numbered 1, 2, 3, … in the
-- order they reached the outbox (`trip_seq`, assigned at insert by edge/src/outbox.rs); the
-- province takes a trip's records only in that order. `sent_at_ms` now means "acknowledged by
-- the province" (accepted or duplicate). A record the province rejects is parked with its
-- reason until an admin retries it; the rest of its trip waits behind it.
ALTER TABLE edge_outbox ADD COLUMN trip_seq INTEGER;
ALTER TABLE edge_outbox ADD COLUMN province_parked_at_ms INTEGER;
ALTER TABLE edge_outbox ADD COLUMN province_reason_code TEXT;
ALTER TABLE edge_outbox ADD COLUMN province_reason TEXT;
ALTER TABLE edge_outbox ADD COLUMN province_attempts INTEGER NOT NULL DEFAULT 0;

-- Existing trip events get their place in outbox order.
UPDATE edge_outbox SET trip_seq = (
  SELECT COUNT(*) FROM edge_outbox o WHERE o.trip_id = edge_outbox.trip_id AND o.id <= edge_outbox.id
) WHERE trip_id IS NOT NULL;

CREATE UNIQUE INDEX edge_outbox_trip_seq ON edge_outbox (trip_id, trip_seq) WHERE trip_id IS NOT NULL;
-- What the pusher reads: trip records not yet acknowledged, in outbox order.
CREATE INDEX edge_outbox_province_pending ON edge_outbox (id)
  WHERE sent_at_ms IS NULL AND trip_id IS NOT NULL;
CREATE INDEX edge_outbox_province_parked ON edge_outbox (trip_id)
  WHERE province_parked_at_ms IS NOT NULL;

-- What the province's forces said about each trip's steps (callbacks and pulls), once per
-- update id; the trip's timeline is folded from these rows (shared::province::timeline).
CREATE TABLE trip_timeline (
  update_id      TEXT PRIMARY KEY,
  trip_id        TEXT NOT NULL REFERENCES trips (id),
  step           TEXT NOT NULL,
  force          TEXT NOT NULL,
  verdict        TEXT NOT NULL,
  reason         TEXT,
  note           TEXT,
  at_ms          INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL
);
CREATE INDEX trip_timeline_by_trip ON trip_timeline (trip_id);

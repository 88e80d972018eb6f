-- D1's copies of the yard queues, written by each yard's Durable Object (the only writer of its
-- queue) after it stores a change: one row per checked-in vehicle (to find a trip's yard) and
-- one row of figures per yard (the public board reads these, never the objects).
CREATE TABLE queue_entries (
  id            TEXT PRIMARY KEY,
  yard_id       TEXT NOT NULL REFERENCES yards (id),
  trip_id       TEXT NOT NULL,
  account_id    TEXT NOT NULL,
  status        TEXT NOT NULL,
  json          TEXT NOT NULL,                    -- the entry as the object holds it
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX queue_entries_by_trip ON queue_entries (trip_id, updated_at_ms);

CREATE TABLE yard_queue_stats (
  yard_id       TEXT PRIMARY KEY REFERENCES yards (id),
  json          TEXT NOT NULL,                    -- shared::queue::QueueStats
  updated_at_ms INTEGER NOT NULL
);

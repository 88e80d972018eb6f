-- D1's copy of every yard's bookings, for lists ("my bookings") and reports. The yard's Durable
-- Object is the only writer of bookings; it upserts each changed booking here after storing it.
CREATE TABLE bookings (
  id            TEXT PRIMARY KEY,
  yard_id       TEXT NOT NULL REFERENCES yards (id),
  account_id    TEXT NOT NULL,
  trip_id       TEXT NOT NULL,
  slot_start_ms INTEGER NOT NULL,
  status        TEXT NOT NULL,
  json          TEXT NOT NULL,                    -- the booking as the object holds it
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX bookings_by_account ON bookings (account_id, slot_start_ms);
CREATE INDEX bookings_by_trip ON bookings (trip_id);

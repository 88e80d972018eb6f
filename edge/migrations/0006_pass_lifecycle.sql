-- One pass per trip, one booking per trip.

-- Why a pass was revoked: 'cancelled' (its trip), 'superseded' (a newer pass of the trip
-- replaced it), 'completed' (its trip was served), 'disabled' (its account). Verifiers get it
-- with the deny-list, so an officer offline can tell an old pass from a cancelled one.
ALTER TABLE passes ADD COLUMN revoked_reason TEXT
  CHECK (revoked_reason IS NULL OR revoked_reason IN ('cancelled', 'superseded', 'completed', 'disabled'));
UPDATE passes SET revoked_reason = 'cancelled' WHERE revoked_at_ms IS NOT NULL;

-- The one booking a trip may hold (active or checked in) at any yard. The Worker inserts the
-- claim before the yard's object books, keyed by the request's Idempotency-Key (a retry with
-- the same key holds the same claim); it is released when the booking ends (cancelled or a
-- no-show: the yard's object deletes it with its copy of the booking) or the trip completes.
CREATE TABLE trip_bookings (
  trip_id       TEXT PRIMARY KEY,
  yard_id       TEXT NOT NULL REFERENCES yards (id),
  account_id    TEXT NOT NULL,
  idem_key      TEXT NOT NULL,
  claimed_at_ms INTEGER NOT NULL
);

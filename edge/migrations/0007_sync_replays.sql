-- What each outbox write was, so that a replay is answered only for the same write, and what it
-- did, so that a replay's side effects come from what was applied, never from what is sent now.
--   digest           hex SHA-256 of the write's canonical form (its kind, a newline, the
--                    payload as JSON with keys sorted, integral numbers as integers and no
--                    spaces: `canonical_write` in edge/src/sync.rs). NULL for rows written
--                    before 0007: those are matched by kind alone and repeat no side effect.
--   applied_trip_id  the trip an applied `trip.cancel` cancelled (its bookings are released
--                    again on an exact replay: releasing is idempotent).
ALTER TABLE sync_ops ADD COLUMN digest TEXT;
ALTER TABLE sync_ops ADD COLUMN applied_trip_id TEXT;

-- Vehicles, trips, signed passes, the outbox protocol's marks, and the edge outbox.

CREATE TABLE vehicles (
  id            TEXT PRIMARY KEY,                 -- drawn by the app (v-…)
  account_id    TEXT NOT NULL REFERENCES accounts (id),
  plate         TEXT NOT NULL,                    -- display form, 29C-123.45
  plate_key     TEXT NOT NULL,                    -- normalised, for matching
  trailer       TEXT,
  vehicle_type  TEXT NOT NULL,
  country       TEXT NOT NULL CHECK (country IN ('VN', 'CN')),
  created_at_ms INTEGER NOT NULL,
  UNIQUE (account_id, plate_key)
);

CREATE TABLE trips (
  id              TEXT PRIMARY KEY,               -- drawn by the app (t-…)
  account_id      TEXT NOT NULL REFERENCES accounts (id),
  vehicle_id      TEXT NOT NULL REFERENCES vehicles (id),
  trailer         TEXT,
  driver_name     TEXT NOT NULL,
  gate_id         TEXT NOT NULL REFERENCES gates (id),
  direction       TEXT NOT NULL CHECK (direction IN ('export', 'import')),
  cargo           TEXT NOT NULL,
  perishable      INTEGER NOT NULL CHECK (perishable IN (0, 1)),
  hs_code         TEXT,
  weight_kg       INTEGER NOT NULL,
  declaration     TEXT CHECK (declaration IS NULL OR length(declaration) = 12),
  window_from_ms  INTEGER NOT NULL,
  window_until_ms INTEGER NOT NULL CHECK (window_until_ms > window_from_ms),
  status          TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'completed', 'cancelled')),
  created_at_ms   INTEGER NOT NULL,
  updated_at_ms   INTEGER NOT NULL
);
CREATE INDEX trips_by_account ON trips (account_id, created_at_ms);

-- Every pass ever issued (a trip's current one is its newest). Only revocation changes a row.
CREATE TABLE passes (
  id            TEXT PRIMARY KEY,                 -- hex, 6 random bytes
  trip_id       TEXT NOT NULL REFERENCES trips (id),
  kid           TEXT NOT NULL,
  code          TEXT NOT NULL,                    -- BP1:…
  valid_from    INTEGER NOT NULL,                 -- Unix seconds
  valid_until   INTEGER NOT NULL,
  issued_at_ms  INTEGER NOT NULL,
  revoked_at_ms INTEGER
);
CREATE INDEX passes_by_trip ON passes (trip_id, issued_at_ms);
CREATE INDEX passes_revoked ON passes (revoked_at_ms, valid_until) WHERE revoked_at_ms IS NOT NULL;

-- Public keys that have signed passes. A key stays on the trust list until the last pass it
-- signed expires, so rotating the signing key never strands a driver's pass.
CREATE TABLE pass_keys (
  kid                   TEXT PRIMARY KEY,
  public_key            TEXT NOT NULL,
  first_used_at_ms      INTEGER NOT NULL,
  last_pass_valid_until INTEGER NOT NULL          -- Unix seconds
);

-- The outbox protocol: per client, the last seq dealt with ...
CREATE TABLE sync_clients (
  client_id       TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts (id),
  last_seq        INTEGER NOT NULL,
  last_sync_at_ms INTEGER NOT NULL
);
-- ... which only ever moves to the next one, in the same transaction as the write.
CREATE TRIGGER sync_clients_in_order BEFORE UPDATE OF last_seq ON sync_clients
WHEN NEW.last_seq != OLD.last_seq + 1
BEGIN
  SELECT RAISE(ABORT, 'sync_out_of_order');
END;

-- ... and every write's outcome, returned again when a write is replayed.
CREATE TABLE sync_ops (
  client_id     TEXT NOT NULL REFERENCES sync_clients (client_id),
  seq           INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  outcome       TEXT NOT NULL CHECK (outcome IN ('applied', 'rejected')),
  code          TEXT,
  message       TEXT,
  at_ms         INTEGER NOT NULL,
  PRIMARY KEY (client_id, seq)
);

-- Every accepted change, for the province sync (sent and marked by a later job).
CREATE TABLE edge_outbox (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  topic         TEXT NOT NULL,                    -- vehicle.registered, trip.accepted, …
  entity_id     TEXT NOT NULL,
  payload       TEXT NOT NULL,                    -- JSON
  created_at_ms INTEGER NOT NULL,
  sent_at_ms    INTEGER
);
CREATE INDEX edge_outbox_unsent ON edge_outbox (id) WHERE sent_at_ms IS NULL;

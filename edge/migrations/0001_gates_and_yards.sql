-- The gate directory: gates and their yards. Each yard's live state (slots, bookings, queue)
-- belongs to its Durable Object; these rows are the directory the app lists.

CREATE TABLE gates (
  id             TEXT PRIMARY KEY CHECK (length(id) BETWEEN 2 AND 32),
  kind           TEXT NOT NULL CHECK (kind IN
                   ('international_road', 'international_rail', 'main', 'auxiliary', 'clearance_point')),
  name_vi        TEXT NOT NULL,
  name_en        TEXT NOT NULL,
  name_zh        TEXT NOT NULL,
  counterpart_vi TEXT NOT NULL,
  counterpart_en TEXT NOT NULL,
  counterpart_zh TEXT NOT NULL,
  sort_order     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE yards (
  id                 TEXT PRIMARY KEY CHECK (length(id) BETWEEN 2 AND 32),
  gate_id            TEXT NOT NULL REFERENCES gates (id),
  name_vi            TEXT NOT NULL,
  name_en            TEXT NOT NULL,
  name_zh            TEXT NOT NULL,
  daily_capacity     INTEGER NOT NULL CHECK (daily_capacity BETWEEN 1 AND 100000),
  slot_minutes       INTEGER NOT NULL CHECK (slot_minutes IN (15, 30, 60, 120)),
  perishable_percent INTEGER NOT NULL CHECK (perishable_percent BETWEEN 0 AND 100),
  opens_minute       INTEGER NOT NULL CHECK (opens_minute BETWEEN 0 AND 1439),
  closes_minute      INTEGER NOT NULL CHECK (closes_minute BETWEEN 1 AND 1440),
  sort_order         INTEGER NOT NULL DEFAULT 0,
  CHECK (opens_minute < closes_minute)
);

CREATE INDEX yards_by_gate ON yards (gate_id, sort_order);

-- Small facts the system keeps about itself (e.g. when the cron job last ran).
CREATE TABLE system_state (
  key           TEXT PRIMARY KEY,
  int_value     INTEGER,
  text_value    TEXT,
  updated_at_ms INTEGER NOT NULL
);

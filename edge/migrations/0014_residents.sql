-- Border residents (issue 13): an application for a resident pass, its decisions, and the
-- crossings the officers of the resident's home gate record (offline too: `at_ms` is the
-- scan's time, `received_at_ms` when the edge got it). The citizen ID number is stored nowhere:
-- only its holder digest (the first 8 bytes of HMAC-SHA256 under the Worker secret
-- RESIDENT_ID_KEY, hex) and its last 4 digits.
CREATE TABLE residents (
  id                      TEXT PRIMARY KEY,             -- r-<16 hex>
  account_id              TEXT NOT NULL REFERENCES accounts (id),
  status                  TEXT NOT NULL
    CHECK (status IN ('pending', 'refused', 'approved', 'suspended', 'revoked')),
  name                    TEXT NOT NULL,
  commune_id              TEXT NOT NULL,
  home_gate               TEXT NOT NULL REFERENCES gates (id),
  id_last4                TEXT NOT NULL CHECK (length(id_last4) = 4),
  holder_digest           TEXT NOT NULL CHECK (length(holder_digest) = 16),
  border_pass_number      TEXT NOT NULL,
  border_pass_expires_day INTEGER NOT NULL,             -- local days since 1970-01-01
  applied_at_ms           INTEGER NOT NULL,
  decided_at_ms           INTEGER,
  decided_by              TEXT REFERENCES accounts (id),
  reason                  TEXT                          -- why refused, suspended or revoked
);
-- At most one application that is not refused per account and per citizen ID (holder
-- digest): two applications racing each other cannot both be stored, whatever the handler saw.
CREATE UNIQUE INDEX residents_one_per_account ON residents (account_id) WHERE status != 'refused';
CREATE UNIQUE INDEX residents_one_per_holder ON residents (holder_digest) WHERE status != 'refused';
CREATE INDEX residents_by_gate ON residents (home_gate, status);
CREATE INDEX residents_by_account ON residents (account_id, applied_at_ms);

-- Every decision on a resident, numbered 1, 2, 3, … per resident: two officers deciding at
-- once read the same number, and the second insert fails its batch (nothing of it is stored).
CREATE TABLE resident_decisions (
  resident_id  TEXT NOT NULL REFERENCES residents (id),
  seq          INTEGER NOT NULL,
  decision     TEXT NOT NULL
    CHECK (decision IN ('approve', 'refuse', 'suspend', 'reinstate', 'revoke')),
  from_status  TEXT NOT NULL,
  to_status    TEXT NOT NULL,
  reason       TEXT,
  by_account   TEXT NOT NULL REFERENCES accounts (id),
  at_ms        INTEGER NOT NULL,
  PRIMARY KEY (resident_id, seq)
);

CREATE TABLE resident_crossings (
  id              TEXT PRIMARY KEY,                     -- x-…, the officer's phone's
  resident_id     TEXT NOT NULL REFERENCES residents (id),
  at_ms           INTEGER NOT NULL,                     -- the scan
  direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  goods           TEXT NOT NULL,                        -- JSON [{description, value_vnd}]
  goods_total_vnd INTEGER NOT NULL CHECK (goods_total_vnd >= 0),
  gate            TEXT NOT NULL REFERENCES gates (id),
  recorded_by     TEXT NOT NULL REFERENCES accounts (id),
  received_at_ms  INTEGER NOT NULL
);
CREATE INDEX resident_crossings_by_resident ON resident_crossings (resident_id, at_ms);

-- A resident pass is revoked when its resident is suspended or revoked: two more reasons.
-- SQLite cannot change a CHECK in place: the table is rebuilt as 0012 did, every row copied.
CREATE TABLE passes_rebuilt (
  id             TEXT PRIMARY KEY,                -- hex, 6 random bytes
  subject_kind   TEXT NOT NULL CHECK (subject_kind IN ('trip', 'resident')),
  subject_id     TEXT NOT NULL,
  trip_id        TEXT REFERENCES trips (id),
  kid            TEXT NOT NULL,
  code           TEXT NOT NULL,                   -- BP1:…
  valid_from     INTEGER NOT NULL,                -- Unix seconds
  valid_until    INTEGER NOT NULL,
  issued_at_ms   INTEGER NOT NULL,
  revoked_at_ms  INTEGER,
  revoked_reason TEXT
    CHECK (revoked_reason IS NULL OR revoked_reason IN ('cancelled', 'superseded', 'completed',
      'disabled', 'suspended', 'revoked')),
  CHECK ((subject_kind = 'trip') = (trip_id IS NOT NULL)),
  CHECK (trip_id IS NULL OR trip_id = subject_id)
);
INSERT INTO passes_rebuilt (id, subject_kind, subject_id, trip_id, kid, code, valid_from,
    valid_until, issued_at_ms, revoked_at_ms, revoked_reason)
  SELECT id, subject_kind, subject_id, trip_id, kid, code, valid_from, valid_until, issued_at_ms,
    revoked_at_ms, revoked_reason
  FROM passes;
DROP TABLE passes;
ALTER TABLE passes_rebuilt RENAME TO passes;
CREATE INDEX passes_by_subject ON passes (subject_kind, subject_id, issued_at_ms);
CREATE INDEX passes_by_trip ON passes (trip_id, issued_at_ms);
CREATE INDEX passes_revoked ON passes (revoked_at_ms, valid_until) WHERE revoked_at_ms IS NOT NULL;

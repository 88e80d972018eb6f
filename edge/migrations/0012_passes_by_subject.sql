-- Passes by subject: a pass is issued for a subject (a trip today, a border resident next),
-- and the table is keyed by the subject's kind and id (`shared::pass::SubjectRef`). Every
-- existing row is a trip pass: its subject is its trip. `trip_id` stays, the same id as
-- `subject_id` for a trip pass and NULL for any other kind, so the joins from a pass to its trip
-- read as before. SQLite cannot relax a NOT NULL in place: the table is rebuilt (no table
-- references `passes`), every row and column copied as it is.
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
    CHECK (revoked_reason IS NULL OR revoked_reason IN ('cancelled', 'superseded', 'completed', 'disabled')),
  CHECK ((subject_kind = 'trip') = (trip_id IS NOT NULL)),
  CHECK (trip_id IS NULL OR trip_id = subject_id)
);
INSERT INTO passes_rebuilt (id, subject_kind, subject_id, trip_id, kid, code, valid_from,
    valid_until, issued_at_ms, revoked_at_ms, revoked_reason)
  SELECT id, 'trip', trip_id, trip_id, kid, code, valid_from, valid_until, issued_at_ms,
    revoked_at_ms, revoked_reason
  FROM passes;
DROP TABLE passes;
ALTER TABLE passes_rebuilt RENAME TO passes;
CREATE INDEX passes_by_subject ON passes (subject_kind, subject_id, issued_at_ms);
CREATE INDEX passes_by_trip ON passes (trip_id, issued_at_ms);
CREATE INDEX passes_revoked ON passes (revoked_at_ms, valid_until) WHERE revoked_at_ms IS NOT NULL;

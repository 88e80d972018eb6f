-- Accounts, sessions, rate-limit counters and the append-only audit log.

CREATE TABLE accounts (
  id             TEXT PRIMARY KEY CHECK (length(id) = 16),
  phone          TEXT NOT NULL UNIQUE,            -- E.164, +84XXXXXXXXX
  role           TEXT NOT NULL CHECK (role IN
                   ('driver', 'trader', 'resident', 'yard_operator', 'officer', 'admin')),
  display_name   TEXT,
  yard_id        TEXT REFERENCES yards (id),
  gate_id        TEXT REFERENCES gates (id),
  password_hash  TEXT NOT NULL,                   -- pbkdf2-sha256$iterations$salt$hash (hex)
  disabled_at_ms INTEGER,
  created_at_ms  INTEGER NOT NULL,
  CHECK ((role = 'yard_operator') = (yard_id IS NOT NULL)),
  CHECK ((role = 'officer') = (gate_id IS NOT NULL))
);

-- Opaque bearer tokens, stored only as their SHA-256.
CREATE TABLE sessions (
  token_hash      TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts (id),
  created_at_ms   INTEGER NOT NULL,
  expires_at_ms   INTEGER NOT NULL,
  last_seen_at_ms INTEGER NOT NULL,
  revoked_at_ms   INTEGER
);
CREATE INDEX sessions_by_account ON sessions (account_id);

-- Fixed-window counters: key is e.g. "signin:phone:+84912345678" or "signup:addr:203.0.113.7".
CREATE TABLE rate_limits (
  key             TEXT PRIMARY KEY,
  window_start_ms INTEGER NOT NULL,
  count           INTEGER NOT NULL
);

CREATE TABLE audit_log (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms    INTEGER NOT NULL,
  actor_id TEXT,                                  -- NULL for anonymous (e.g. failed sign-in)
  event    TEXT NOT NULL,
  subject  TEXT,                                  -- the account or phone the event is about
  detail   TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_time ON audit_log (at_ms);

-- Append-only, enforced by the database itself.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

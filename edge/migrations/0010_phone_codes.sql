-- One-time codes sent by SMS, the devices each account has verified, and the local SMS double.

-- One live code per phone and purpose; a new request replaces it. Only its SHA-256 (bound to
-- the phone and purpose) is kept. `attempts` counts tries: at the limit the code is locked
-- until it expires. A phone without an account gets a row too (with a code never sent), so
-- that codes behave the same whether or not the phone has an account.
CREATE TABLE one_time_codes (
  phone         TEXT NOT NULL,                   -- E.164
  purpose       TEXT NOT NULL CHECK (purpose IN ('sign_up', 'reset_password', 'new_device')),
  code_hash     TEXT NOT NULL,                   -- hex SHA-256 of shared::otp::digest_input
  attempts      INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  PRIMARY KEY (phone, purpose)
);

-- Devices that proved the phone (by a code) for an account: signing in from one of them
-- needs no code. The app's device id is kept only as its SHA-256.
CREATE TABLE known_devices (
  account_id       TEXT NOT NULL REFERENCES accounts (id),
  device_hash      TEXT NOT NULL,
  first_seen_at_ms INTEGER NOT NULL,
  last_seen_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (account_id, device_hash)
);

-- The local SMS double (`SMS_ADAPTER=local`, `make dev` and the tests only): messages are
-- written here instead of being sent, and read back by `GET /api/dev/sms`.
CREATE TABLE sms_outbox (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  phone      TEXT NOT NULL,
  text       TEXT NOT NULL,
  sent_at_ms INTEGER NOT NULL
);
CREATE INDEX sms_outbox_by_phone ON sms_outbox (phone, id);

-- Vehicle verification (issue 10, hole 3: plate squatting). A yard operator or officer who has
-- seen a vehicle's registration papers marks it verified. The certificate number is kept only
-- as a salted SHA-256 digest (hex of SHA-256(salt bytes ‖ normalised number), salt per record).
ALTER TABLE vehicles ADD COLUMN verified_at_ms INTEGER;
ALTER TABLE vehicles ADD COLUMN verified_by TEXT;
ALTER TABLE vehicles ADD COLUMN registration_digest TEXT;
ALTER TABLE vehicles ADD COLUMN registration_salt TEXT;

-- A plate is verified for one account at most.
CREATE UNIQUE INDEX vehicles_verified_plate ON vehicles (plate_key) WHERE verified_at_ms IS NOT NULL;

-- Once verified for one account, no other account registers the plate (the edge refuses first
-- with `plate_verified_elsewhere`; this holds even for a write racing the verification).
CREATE TRIGGER vehicles_no_plate_verified_elsewhere
BEFORE INSERT ON vehicles
WHEN EXISTS (SELECT 1 FROM vehicles
             WHERE plate_key = NEW.plate_key AND verified_at_ms IS NOT NULL
               AND account_id <> NEW.account_id)
BEGIN
  SELECT RAISE(ABORT, 'plate_verified_elsewhere');
END;

-- Why a booking was released by the edge rather than by its owner: shown to the driver on the
-- booking. The yard's object cancels the booking; the reason is kept here (D1 only).
CREATE TABLE booking_releases (
  booking_id     TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL,                   -- the booking's owner, who is told
  yard_id        TEXT NOT NULL,
  trip_id        TEXT NOT NULL,
  reason         TEXT NOT NULL,                   -- an ErrorCode: plate_verified_elsewhere
  released_at_ms INTEGER NOT NULL
);
CREATE INDEX booking_releases_by_account ON booking_releases (account_id, released_at_ms);

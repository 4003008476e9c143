-- A SQLite collector as ocop-host made it before the kiosk fleet (no
-- kiosk_contact, no kiosk_days): what tests/console_fleet.py and
-- bench/bench_fleet.py open to see it brought up to date.
CREATE TABLE kiosks (key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL,
  province TEXT NOT NULL, shop TEXT NOT NULL, enrolled TEXT NOT NULL,
  revoked TEXT) WITHOUT ROWID;
CREATE TABLE batches (kiosk TEXT NOT NULL, batch_id TEXT NOT NULL,
  body_hash BLOB NOT NULL, created INTEGER NOT NULL,
  received INTEGER NOT NULL, scans INTEGER NOT NULL,
  new_scans INTEGER NOT NULL, PRIMARY KEY (kiosk, batch_id)) WITHOUT ROWID;
CREATE TABLE scans (kiosk TEXT NOT NULL, scan_id INTEGER NOT NULL,
  time INTEGER NOT NULL, verdict TEXT NOT NULL, product TEXT NOT NULL,
  signer TEXT NOT NULL, lot TEXT NOT NULL, serial INTEGER NOT NULL,
  text_hash TEXT NOT NULL, stale INTEGER NOT NULL, batch_id TEXT NOT NULL,
  received INTEGER NOT NULL, PRIMARY KEY (kiosk, scan_id)) WITHOUT ROWID;
CREATE TABLE findings (kiosk TEXT NOT NULL, finding_id INTEGER NOT NULL,
  time INTEGER NOT NULL, inspector TEXT NOT NULL, product TEXT NOT NULL,
  lot TEXT NOT NULL, serial INTEGER NOT NULL, finding TEXT NOT NULL,
  note TEXT NOT NULL, batch_id TEXT NOT NULL, received INTEGER NOT NULL,
  PRIMARY KEY (kiosk, finding_id)) WITHOUT ROWID;

PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO meta VALUES('authority_key','RWTI+DCmHRJ4bc4r5okqKyaO+yn+zcC36NYO+t0z0+7FC3UhlTtspDcV');
INSERT INTO meta VALUES('created','2026-12-04T20:26:04Z');
INSERT INTO meta VALUES('feed_version','0');
INSERT INTO meta VALUES('registry_schema','1');
INSERT INTO meta VALUES('verify_hosts','OCOP.GOV.VN');
CREATE TABLE producers (
  code     TEXT PRIMARY KEY,
  name     TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('cooperative','enterprise','household')),
  province TEXT NOT NULL,
  contact  TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
INSERT INTO producers VALUES('BD-DN01','Công ty Sơn mài','enterprise','Bình Dương','');
INSERT INTO producers VALUES('HG-HTX01','HTX Chè Shan Tuyết','cooperative','Hà Giang','');
INSERT INTO producers VALUES('HN-HTX01','HTX Gốm Bát Tràng','cooperative','Hà Nội','');
INSERT INTO producers VALUES('QNA-H01','Hộ Sâm Ngọc Linh','household','Quảng Nam','');
INSERT INTO producers VALUES('TTH-DN01','Công ty Mè xửng','enterprise','Thừa Thiên Huế','');
CREATE TABLE products (
  code          TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  grp           TEXT NOT NULL CHECK (grp IN ('food','beverages','herbal','textiles','souvenirs','tourism')),
  producer      TEXT NOT NULL REFERENCES producers(code),
  province      TEXT NOT NULL,
  stars         INTEGER NOT NULL CHECK (stars BETWEEN 3 AND 5),
  proposed5     INTEGER NOT NULL DEFAULT 0 CHECK (proposed5 IN (0,1) AND (proposed5 = 0 OR stars = 4)),
  status        TEXT NOT NULL CHECK (status IN ('rated','suspended','revoked','expired')),
  status_reason TEXT NOT NULL DEFAULT '',
  status_date   TEXT NOT NULL DEFAULT '',
  certificate   TEXT NOT NULL,
  certified     TEXT NOT NULL,
  expires       TEXT NOT NULL CHECK (expires > certified)
) WITHOUT ROWID;
INSERT INTO products VALUES('BD001','Tranh sơn mài','souvenirs','BD-DN01','Bình Dương',5,0,'rated','','','55/QĐ-UBND','2022-08-15','2025-08-15');
INSERT INTO products VALUES('BD002','Bưởi Tân Triều','food','BD-DN01','Đồng Nai',3,0,'rated','','','56/QĐ-UBND','2022-08-15','2025-08-15');
INSERT INTO products VALUES('HG001','Chè Shan Tuyết','beverages','HG-HTX01','Hà Giang',4,0,'rated','','','123/QĐ-UBND','2021-05-10','2024-05-10');
INSERT INTO products VALUES('HG002','Mật ong bạc hà','food','HG-HTX01','Hà Giang',3,0,'rated','','','124/QĐ-UBND','2023-03-01','2026-03-01');
INSERT INTO products VALUES('HN001','Gốm Bát Tràng','souvenirs','HN-HTX01','Hà Nội',4,0,'rated','','','77/QĐ-UBND','2022-11-11','2025-11-11');
INSERT INTO products VALUES('QNA001','Sâm Ngọc Linh','herbal','QNA-H01','Quảng Nam',4,1,'rated','','','9/QĐ-UBND','2024-01-20','2027-01-20');
INSERT INTO products VALUES('TTH001','Mè xửng','food','TTH-DN01','Thừa Thiên Huế',3,0,'rated','','','12/QĐ-UBND','2020-09-09','2023-09-09');
CREATE TABLE keys (
  key_id        TEXT PRIMARY KEY,
  producer      TEXT NOT NULL REFERENCES producers(code),
  public_key    BLOB NOT NULL CHECK (length(public_key) = 32),
  enrolled      TEXT NOT NULL,
  revoked       TEXT NOT NULL DEFAULT '',
  revoke_reason TEXT NOT NULL DEFAULT '' CHECK (revoke_reason IN ('','superseded','compromised'))
) WITHOUT ROWID;
CREATE TABLE clones (
  key_id   TEXT NOT NULL,
  product  TEXT NOT NULL,
  lot      TEXT NOT NULL,
  serial   INTEGER NOT NULL,
  reported TEXT NOT NULL,
  PRIMARY KEY (key_id, product, lot, serial)
) WITHOUT ROWID;
CREATE TABLE audit (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  at     TEXT NOT NULL,
  entity TEXT NOT NULL,
  ref    TEXT NOT NULL,
  field  TEXT NOT NULL,
  old    TEXT,
  new    TEXT
);
INSERT INTO audit VALUES(1,'2026-12-04T20:26:04Z','meta','registry_schema','(added)',NULL,'1');
INSERT INTO audit VALUES(2,'2026-12-04T20:26:04Z','meta','feed_version','(added)',NULL,'0');
INSERT INTO audit VALUES(3,'2026-12-04T20:26:04Z','meta','created','(added)',NULL,'2026-12-04T20:26:04Z');
INSERT INTO audit VALUES(4,'2026-12-04T20:26:04Z','meta','authority_key','(added)',NULL,'RWTI+DCmHRJ4bc4r5okqKyaO+yn+zcC36NYO+t0z0+7FC3UhlTtspDcV');
INSERT INTO audit VALUES(5,'2026-12-04T20:26:04Z','meta','verify_hosts','(added)',NULL,'OCOP.GOV.VN');
INSERT INTO audit VALUES(6,'2026-12-04T20:26:04Z','authority','verify_hosts','verify_hosts',NULL,'OCOP.GOV.VN');
INSERT INTO audit VALUES(7,'2026-12-04T20:26:04Z','producer','HG-HTX01','(added)',NULL,'HTX Chè Shan Tuyết | cooperative | Hà Giang');
INSERT INTO audit VALUES(8,'2026-12-04T20:26:04Z','producer','BD-DN01','(added)',NULL,'Công ty Sơn mài | enterprise | Bình Dương');
INSERT INTO audit VALUES(9,'2026-12-04T20:26:04Z','producer','QNA-H01','(added)',NULL,'Hộ Sâm Ngọc Linh | household | Quảng Nam');
INSERT INTO audit VALUES(10,'2026-12-04T20:26:05Z','producer','HN-HTX01','(added)',NULL,'HTX Gốm Bát Tràng | cooperative | Hà Nội');
INSERT INTO audit VALUES(11,'2026-12-04T20:26:05Z','producer','TTH-DN01','(added)',NULL,'Công ty Mè xửng | enterprise | Thừa Thiên Huế');
INSERT INTO audit VALUES(12,'2026-12-04T20:26:05Z','product','HG001','(added)',NULL,'Chè Shan Tuyết | beverages | HG-HTX01 | Hà Giang | 4 stars | rated | 123/QĐ-UBND | 2021-05-10 .. 2024-05-10');
INSERT INTO audit VALUES(13,'2026-12-04T20:26:05Z','product','HG002','(added)',NULL,'Mật ong bạc hà | food | HG-HTX01 | Hà Giang | 3 stars | rated | 124/QĐ-UBND | 2023-03-01 .. 2026-03-01');
INSERT INTO audit VALUES(14,'2026-12-04T20:26:05Z','product','BD001','(added)',NULL,'Tranh sơn mài | souvenirs | BD-DN01 | Bình Dương | 5 stars | rated | 55/QĐ-UBND | 2022-08-15 .. 2025-08-15');
INSERT INTO audit VALUES(15,'2026-12-04T20:26:06Z','product','QNA001','(added)',NULL,'Sâm Ngọc Linh | herbal | QNA-H01 | Quảng Nam | 4 (proposed 5) stars | rated | 9/QĐ-UBND | 2024-01-20 .. 2027-01-20');
INSERT INTO audit VALUES(16,'2026-12-04T20:26:06Z','product','HN001','(added)',NULL,'Gốm Bát Tràng | souvenirs | HN-HTX01 | Hà Nội | 4 stars | rated | 77/QĐ-UBND | 2022-11-11 .. 2025-11-11');
INSERT INTO audit VALUES(17,'2026-12-04T20:26:06Z','product','TTH001','(added)',NULL,'Mè xửng | food | TTH-DN01 | Thừa Thiên Huế | 3 stars | rated | 12/QĐ-UBND | 2020-09-09 .. 2023-09-09');
INSERT INTO audit VALUES(18,'2026-12-04T20:26:06Z','product','BD002','(added)',NULL,'Bưởi Tân Triều | food | BD-DN01 | Đồng Nai | 3 stars | rated | 56/QĐ-UBND | 2022-08-15 .. 2025-08-15');
INSERT INTO audit VALUES(19,'2026-12-04T20:26:07Z','user','anna','(added)',NULL,'province Hà Giang');
INSERT INTO audit VALUES(20,'2026-12-04T20:26:07Z','inspector','INS1','(added)',NULL,'Nguyễn Văn A | Quảng Nam');
INSERT INTO audit VALUES(21,'2026-12-04T20:26:07Z','badge','INS1','(issued)',NULL,'valid until 2027-12-31 key C8F830A61D12786D');
CREATE TABLE console_users (
  name     TEXT PRIMARY KEY,
  role     TEXT NOT NULL CHECK (role IN ('central','province','producer','inspector','viewer')),
  province TEXT NOT NULL DEFAULT '',
  producer TEXT NOT NULL DEFAULT '',
  pwhash   TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),
  created  TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO console_users VALUES('anna','province','Hà Giang','','$argon2id$v=19$m=65536,t=2,p=1$W5EHtpjgYxBMZ8393Bdxlw$Ivn1zgO/w4f4rcsV1HWFI+RULQ4cyzVojfxP6v/zER8',0,'2026-12-04T20:26:07Z');
CREATE TABLE console_sessions (
  token_hash TEXT PRIMARY KEY,
  user       TEXT NOT NULL REFERENCES console_users(name),
  created    INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  csrf       TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE console_throttle (
  kind         TEXT NOT NULL CHECK (kind IN ('user','addr')),
  key          TEXT NOT NULL,
  failures     INTEGER NOT NULL,
  last         INTEGER NOT NULL,
  locked_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE console_audit_who (
  audit_id INTEGER PRIMARY KEY,
  who      TEXT NOT NULL
);
INSERT INTO console_audit_who VALUES(19,'cli:root');
CREATE TABLE console_key_requests (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  producer     TEXT NOT NULL REFERENCES producers(code),
  key_id       TEXT NOT NULL,
  public_key   BLOB NOT NULL CHECK (length(public_key) = 32),
  requested_by TEXT NOT NULL,
  requested    TEXT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','approved','rejected')),
  decided_by   TEXT NOT NULL DEFAULT '',
  decided      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE inspectors (
  inspector TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  province  TEXT NOT NULL,
  revoked   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
INSERT INTO inspectors VALUES('INS1','Nguyễn Văn A','Quảng Nam','');
CREATE TABLE badges (
  id          INTEGER PRIMARY KEY,
  inspector   TEXT NOT NULL REFERENCES inspectors(inspector),
  issued      TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  key_id      TEXT NOT NULL,
  qr_text     TEXT NOT NULL
);
INSERT INTO badges VALUES(1,'INS1','2026-12-04','2027-12-31','C8F830A61D12786D','OCOPI:AHEPQMFGDUJHQ3ILNF5J2DEAAAAAAAALKF26DOVDNZTSATTBNUHU4Z3VPHQ3XBLOEBLMJA3OEBAZXYI4DAQGD4TEIVRLDFU5QBUHEAGQFVIQ7S7AOABSSU5TFM4RNVMZBXFSACDMO3PKIH53EDOMGDLJY6ELKOQ4JVD3CWPBOEYCIBP4AE');
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('audit',21);
CREATE INDEX products_producer ON products(producer);
CREATE INDEX keys_producer ON keys(producer);
CREATE INDEX audit_ref ON audit(entity, ref);
CREATE TRIGGER products_ai AFTER INSERT ON products BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'(added)',NULL,new.name||' | '||new.grp||' | '||new.producer||' | '||new.province||' | '||new.stars||CASE new.proposed5 WHEN 1 THEN ' (proposed 5)' ELSE '' END||' stars | '||new.status||' | '||new.certificate||' | '||new.certified||' .. '||new.expires); END;
CREATE TRIGGER products_ad AFTER DELETE ON products BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',old.code,'(deleted)',NULL,NULL); END;
CREATE TRIGGER products_au_name AFTER UPDATE OF name ON products WHEN old.name IS NOT new.name BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'name',old.name,new.name); END;
CREATE TRIGGER products_au_grp AFTER UPDATE OF grp ON products WHEN old.grp IS NOT new.grp BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'grp',old.grp,new.grp); END;
CREATE TRIGGER products_au_producer AFTER UPDATE OF producer ON products WHEN old.producer IS NOT new.producer BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'producer',old.producer,new.producer); END;
CREATE TRIGGER products_au_province AFTER UPDATE OF province ON products WHEN old.province IS NOT new.province BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'province',old.province,new.province); END;
CREATE TRIGGER products_au_stars AFTER UPDATE OF stars ON products WHEN old.stars IS NOT new.stars BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'stars',old.stars,new.stars); END;
CREATE TRIGGER products_au_proposed5 AFTER UPDATE OF proposed5 ON products WHEN old.proposed5 IS NOT new.proposed5 BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'proposed5',old.proposed5,new.proposed5); END;
CREATE TRIGGER products_au_status AFTER UPDATE OF status ON products WHEN old.status IS NOT new.status BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'status',old.status,new.status); END;
CREATE TRIGGER products_au_status_reason AFTER UPDATE OF status_reason ON products WHEN old.status_reason IS NOT new.status_reason BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'status_reason',old.status_reason,new.status_reason); END;
CREATE TRIGGER products_au_status_date AFTER UPDATE OF status_date ON products WHEN old.status_date IS NOT new.status_date BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'status_date',old.status_date,new.status_date); END;
CREATE TRIGGER products_au_certificate AFTER UPDATE OF certificate ON products WHEN old.certificate IS NOT new.certificate BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'certificate',old.certificate,new.certificate); END;
CREATE TRIGGER products_au_certified AFTER UPDATE OF certified ON products WHEN old.certified IS NOT new.certified BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'certified',old.certified,new.certified); END;
CREATE TRIGGER products_au_expires AFTER UPDATE OF expires ON products WHEN old.expires IS NOT new.expires BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'product',new.code,'expires',old.expires,new.expires); END;
CREATE TRIGGER producers_ai AFTER INSERT ON producers BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'producer',new.code,'(added)',NULL,new.name||' | '||new.kind||' | '||new.province); END;
CREATE TRIGGER producers_ad AFTER DELETE ON producers BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'producer',old.code,'(deleted)',NULL,NULL); END;
CREATE TRIGGER producers_au_name AFTER UPDATE OF name ON producers WHEN old.name IS NOT new.name BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'producer',new.code,'name',old.name,new.name); END;
CREATE TRIGGER producers_au_kind AFTER UPDATE OF kind ON producers WHEN old.kind IS NOT new.kind BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'producer',new.code,'kind',old.kind,new.kind); END;
CREATE TRIGGER producers_au_province AFTER UPDATE OF province ON producers WHEN old.province IS NOT new.province BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'producer',new.code,'province',old.province,new.province); END;
CREATE TRIGGER producers_au_contact AFTER UPDATE OF contact ON producers WHEN old.contact IS NOT new.contact BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'producer',new.code,'contact',old.contact,new.contact); END;
CREATE TRIGGER keys_ai AFTER INSERT ON keys BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'key',new.key_id,'(added)',NULL,'producer '||new.producer||' enrolled '||new.enrolled); END;
CREATE TRIGGER keys_ad AFTER DELETE ON keys BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'key',old.key_id,'(deleted)',NULL,NULL); END;
CREATE TRIGGER keys_au_producer AFTER UPDATE OF producer ON keys WHEN old.producer IS NOT new.producer BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'key',new.key_id,'producer',old.producer,new.producer); END;
CREATE TRIGGER keys_au_revoked AFTER UPDATE OF revoked ON keys WHEN old.revoked IS NOT new.revoked BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'key',new.key_id,'revoked',old.revoked,new.revoked); END;
CREATE TRIGGER keys_au_revoke_reason AFTER UPDATE OF revoke_reason ON keys WHEN old.revoke_reason IS NOT new.revoke_reason BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'key',new.key_id,'revoke_reason',old.revoke_reason,new.revoke_reason); END;
CREATE TRIGGER clones_ai AFTER INSERT ON clones BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'clone',new.key_id,'(added)',NULL,new.product||' lot '||new.lot||' serial '||new.serial||' reported '||new.reported); END;
CREATE TRIGGER clones_ad AFTER DELETE ON clones BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'clone',old.key_id,'(deleted)',NULL,NULL); END;
CREATE TRIGGER meta_ai AFTER INSERT ON meta BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'meta',new.key,'(added)',NULL,new.value); END;
CREATE TRIGGER meta_ad AFTER DELETE ON meta BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'meta',old.key,'(deleted)',NULL,NULL); END;
CREATE TRIGGER meta_au_value AFTER UPDATE OF value ON meta WHEN old.value IS NOT new.value BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'meta',new.key,'value',old.value,new.value); END;
CREATE INDEX console_sessions_user ON console_sessions(user);
CREATE TRIGGER inspectors_ai AFTER INSERT ON inspectors BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'inspector',new.inspector,'(added)',NULL,new.name||' | '||new.province); END;
CREATE TRIGGER inspectors_au AFTER UPDATE ON inspectors BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'inspector',new.inspector,'(changed)',old.name||' | '||old.province||' | revoked '||old.revoked,new.name||' | '||new.province||' | revoked '||new.revoked); END;
CREATE TRIGGER badges_ai AFTER INSERT ON badges BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),'badge',new.inspector,'(issued)',NULL,'valid until '||new.valid_until||' key '||new.key_id); END;
COMMIT;

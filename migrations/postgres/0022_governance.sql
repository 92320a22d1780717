-- Governance: as migrations/0022_governance.sql.
CREATE TABLE catalog_settings (
  name       TEXT COLLATE "C" PRIMARY KEY,
  value      TEXT NOT NULL,
  revision   BIGINT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
ALTER TABLE datasets ADD COLUMN layer TEXT COLLATE "C";
CREATE INDEX datasets_layer ON datasets(layer) WHERE layer IS NOT NULL;
ALTER TABLE datasets ADD COLUMN certified_until_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX datasets_certified_until ON datasets(certified_until_ms)
  WHERE certified_until_ms > 0;

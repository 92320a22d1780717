-- Governance (docs/governance.md).
-- The catalog's settings, one row each, the value as JSON: `layers`, the
-- organisation's ordered list of layers (bronze, silver, gold when unset).
CREATE TABLE catalog_settings (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
-- A dataset's layer (NULL for none), as its spec says: whether a layer is
-- in use is one index lookup.
ALTER TABLE datasets ADD COLUMN layer TEXT;
CREATE INDEX datasets_layer ON datasets(layer) WHERE layer IS NOT NULL;
-- When a verified certification expires (ms since the epoch; 0: none or
-- never): the leader's sweep lapses the due ones.
ALTER TABLE datasets ADD COLUMN certified_until_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX datasets_certified_until ON datasets(certified_until_ms)
  WHERE certified_until_ms > 0;

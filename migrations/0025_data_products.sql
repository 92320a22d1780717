-- Data products (docs/governance.md#data-products): each product's ODPS
-- document as canonical JSON, keyed by its ODPS id; `domain` ('' for none)
-- is read out of it so a domain that still holds products is not deleted.
CREATE TABLE data_products (
  id         TEXT PRIMARY KEY,
  domain     TEXT NOT NULL,
  spec       TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
CREATE INDEX data_products_domain ON data_products(domain);

-- Data products: as migrations/0025_data_products.sql.
CREATE TABLE data_products (
  id         TEXT COLLATE "C" PRIMARY KEY,
  domain     TEXT COLLATE "C" NOT NULL,
  spec       TEXT NOT NULL,
  revision   BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE INDEX data_products_domain ON data_products(domain);

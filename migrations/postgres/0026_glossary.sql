-- The business glossary: as migrations/0026_glossary.sql.
CREATE TABLE glossary_terms (
  id         TEXT COLLATE "C" PRIMARY KEY,
  domain     TEXT COLLATE "C" NOT NULL,
  spec       TEXT NOT NULL,
  revision   BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE INDEX glossary_terms_domain ON glossary_terms(domain);
CREATE TABLE dataset_terms (
  dataset_id  BIGINT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  column_path TEXT COLLATE "C" NOT NULL,
  term        TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (dataset_id, column_path, term)
);
CREATE INDEX dataset_terms_term ON dataset_terms(term);

-- The business glossary (docs/governance.md#glossary): each term's spec as
-- JSON, keyed by its id; `domain` ('' for none) is read out of it so a
-- domain that still holds terms is not deleted.
CREATE TABLE glossary_terms (
  id         TEXT PRIMARY KEY,
  domain     TEXT NOT NULL,
  spec       TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
CREATE INDEX glossary_terms_domain ON glossary_terms(domain);
-- Which datasets and columns link which terms, as their specs say
-- (column_path '' for the dataset as a whole): a term's links, and whether
-- a term is still linked, are one index lookup.
CREATE TABLE dataset_terms (
  dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  column_path TEXT NOT NULL,
  term        TEXT NOT NULL,
  PRIMARY KEY (dataset_id, column_path, term)
) STRICT;
CREATE INDEX dataset_terms_term ON dataset_terms(term);

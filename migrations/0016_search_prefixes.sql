-- Search as you type: every keystroke is a prefix query, and FTS5 answers
-- a short prefix ("c*") by merging the lists of every word that starts
-- with it (40 ms at 100,000 datasets). Prefix indexes of 1, 2 and 3
-- characters answer it from one list (1 ms). FTS5 takes the option only
-- when a table is created, so the table is rebuilt.
CREATE VIRTUAL TABLE dataset_search_rebuilt USING fts5(
  key, description, fields, tags,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '1 2 3'
);
INSERT INTO dataset_search_rebuilt(rowid, key, description, fields, tags)
  SELECT rowid, key, description, fields, tags FROM dataset_search;
DROP TABLE dataset_search;
ALTER TABLE dataset_search_rebuilt RENAME TO dataset_search;

-- A search reads the keys of up to 10,000 matches by id; this index holds
-- them without the rows' specs (the dialect names it: INDEXED BY).
CREATE INDEX datasets_keys ON datasets(id, namespace, name);

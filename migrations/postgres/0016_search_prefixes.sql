-- As migrations/0016_search_prefixes.sql, less the prefix indexes: GIN
-- answers a prefix (to_tsquery's :*) from its ordered keys already.
-- A search reads the keys of up to 10,000 matches by id; this index holds
-- them, so the read is an index-only scan.
CREATE INDEX datasets_keys ON datasets(id) INCLUDE (namespace, name);

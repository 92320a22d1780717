-- Versioned policy sets. Each version is the whole set: its files, as
-- written, in one JSON array of {"name", "text"}.
CREATE TABLE policy_versions (
  version     INTEGER PRIMARY KEY,
  files       TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL
) STRICT;

-- The catalog's first schema. Objects keep their manifest "spec" as JSON
-- (the shape lib/catalog/json_codec.h defines) beside the columns that
-- queries and constraints need.

-- Catalog-wide counters: 'catalog_revision' bumps on every committed write.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;
INSERT INTO meta(key, value) VALUES ('catalog_revision', 0);

CREATE TABLE domains (
  path       TEXT PRIMARY KEY,
  parent     TEXT REFERENCES domains(path) DEFERRABLE INITIALLY DEFERRED,
  spec       TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
CREATE INDEX domains_parent ON domains(parent);

CREATE TABLE principals (
  kind       TEXT NOT NULL CHECK (kind IN ('user', 'serviceaccount', 'group')),
  name       TEXT NOT NULL,
  spec       TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (kind, name)
) STRICT;

-- Direct memberships: a user, service account or group in a group.
CREATE TABLE memberships (
  member_kind TEXT NOT NULL,
  member_name TEXT NOT NULL,
  group_name  TEXT NOT NULL,
  PRIMARY KEY (member_kind, member_name, group_name),
  FOREIGN KEY (member_kind, member_name)
    REFERENCES principals(kind, name) ON DELETE CASCADE
) STRICT;
CREATE INDEX memberships_group ON memberships(group_name);

CREATE TABLE datasets (
  id             INTEGER PRIMARY KEY,
  namespace      TEXT NOT NULL,
  name           TEXT NOT NULL,
  domain         TEXT REFERENCES domains(path) DEFERRABLE INITIALLY DEFERRED,
  spec           TEXT NOT NULL,
  revision       INTEGER NOT NULL,
  schema_version INTEGER NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  updated_by     TEXT NOT NULL,
  UNIQUE (namespace, name)
) STRICT;
CREATE INDEX datasets_domain ON datasets(domain);

CREATE TABLE dataset_owners (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  principal  TEXT NOT NULL,
  type       TEXT NOT NULL,
  PRIMARY KEY (dataset_id, principal, type)
) STRICT;
CREATE INDEX dataset_owners_principal ON dataset_owners(principal);

CREATE TABLE dataset_tags (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  tag        TEXT NOT NULL,
  PRIMARY KEY (dataset_id, tag)
) STRICT;
CREATE INDEX dataset_tags_tag ON dataset_tags(tag);

-- Every distinct schema a dataset has had.
CREATE TABLE schema_versions (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  version    INTEGER NOT NULL,
  fields     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (dataset_id, version)
) STRICT;

-- Every revision of every dataset, kept after the dataset is deleted.
CREATE TABLE dataset_history (
  namespace TEXT NOT NULL,
  name      TEXT NOT NULL,
  revision  INTEGER NOT NULL,
  action    TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  actor     TEXT NOT NULL,
  time      TEXT NOT NULL,
  changes   TEXT NOT NULL,  -- JSON array of changed spec paths
  document  TEXT NOT NULL,  -- the whole object at this revision
  PRIMARY KEY (namespace, name, revision)
) STRICT;

-- Full-text search over names, descriptions, field names and tags.
CREATE VIRTUAL TABLE dataset_search USING fts5(
  key, description, fields, tags,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE tokens (
  id          TEXT PRIMARY KEY,
  secret_hash BLOB NOT NULL,
  principal   TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  revoked_at  TEXT
) STRICT;

-- Append-only record of every change.
CREATE TABLE audit_events (
  seq              INTEGER PRIMARY KEY,
  time             TEXT NOT NULL,
  actor            TEXT NOT NULL,
  action           TEXT NOT NULL,
  target_kind      TEXT NOT NULL,
  target           TEXT NOT NULL,
  before_revision  INTEGER NOT NULL,
  after_revision   INTEGER NOT NULL,
  catalog_revision INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_events_actor ON audit_events(actor);

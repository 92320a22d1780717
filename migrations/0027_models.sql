-- Models and their versions (docs/models.md): each spec as JSON, keyed by
-- the model's name (and the version's id); `domain` is read out of a
-- model's spec so a domain that still holds models is not deleted. `seq`
-- orders a model's versions as they were registered. Aliases point at
-- versions; a version an alias points at is not deleted.
CREATE TABLE models (
  name       TEXT PRIMARY KEY,
  domain     TEXT NOT NULL,
  spec       TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
CREATE INDEX models_domain ON models(domain);
CREATE TABLE model_versions (
  model      TEXT NOT NULL REFERENCES models(name) DEFERRABLE INITIALLY DEFERRED,
  version    TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  spec       TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (model, version)
) STRICT;
CREATE UNIQUE INDEX model_versions_seq ON model_versions(model, seq);
CREATE TABLE model_aliases (
  model      TEXT NOT NULL,
  alias      TEXT NOT NULL,
  version    TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (model, alias),
  FOREIGN KEY (model, version) REFERENCES model_versions(model, version)
    DEFERRABLE INITIALLY DEFERRED
) STRICT;

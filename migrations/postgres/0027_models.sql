-- Models and their versions: as migrations/0027_models.sql.
CREATE TABLE models (
  name       TEXT COLLATE "C" PRIMARY KEY,
  domain     TEXT COLLATE "C" NOT NULL,
  spec       TEXT NOT NULL,
  revision   BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE INDEX models_domain ON models(domain);
CREATE TABLE model_versions (
  model      TEXT COLLATE "C" NOT NULL REFERENCES models(name) DEFERRABLE INITIALLY DEFERRED,
  version    TEXT COLLATE "C" NOT NULL,
  seq        BIGINT NOT NULL,
  spec       TEXT NOT NULL,
  revision   BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (model, version)
);
CREATE UNIQUE INDEX model_versions_seq ON model_versions(model, seq);
CREATE TABLE model_aliases (
  model      TEXT COLLATE "C" NOT NULL,
  alias      TEXT COLLATE "C" NOT NULL,
  version    TEXT COLLATE "C" NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (model, alias),
  FOREIGN KEY (model, version) REFERENCES model_versions(model, version)
    DEFERRABLE INITIALLY DEFERRED
);

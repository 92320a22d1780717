-- What trained each model version: as migrations/0028_model_training.sql.
CREATE TABLE model_training_inputs (
  model          TEXT COLLATE "C" NOT NULL,
  version        TEXT COLLATE "C" NOT NULL,
  namespace      TEXT COLLATE "C" NOT NULL,
  name           TEXT COLLATE "C" NOT NULL,
  revision       BIGINT NOT NULL,
  schema_version BIGINT NOT NULL,
  columns        TEXT NOT NULL,
  PRIMARY KEY (model, version, namespace, name),
  FOREIGN KEY (model, version) REFERENCES model_versions(model, version)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX model_training_inputs_dataset ON model_training_inputs(namespace, name);

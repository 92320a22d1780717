-- What trained each model version (docs/models.md#training-lineage): the
-- datasets its OpenLineage run read, at the revision and schema version
-- they had when the run completed, and the column lineage the run sent for
-- the model (JSON). Keyed by the datasets' names, not their rows: a
-- version's provenance outlives a dataset deleted later.
CREATE TABLE model_training_inputs (
  model          TEXT NOT NULL,
  version        TEXT NOT NULL,
  namespace      TEXT NOT NULL,
  name           TEXT NOT NULL,
  revision       INTEGER NOT NULL,
  schema_version INTEGER NOT NULL,
  columns        TEXT NOT NULL,
  PRIMARY KEY (model, version, namespace, name),
  FOREIGN KEY (model, version) REFERENCES model_versions(model, version)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX model_training_inputs_dataset ON model_training_inputs(namespace, name);

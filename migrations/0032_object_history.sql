-- Every revision of the objects kept whole as a spec (models, model
-- versions, feature views, AI applications, data products, glossary
-- terms): the spec as it was, who wrote it, when and which top-level spec
-- fields changed. Kept after the object is deleted (its last spec stays on
-- the "delete" row), so that a name applied again carries on from the
-- revision after it: revisions of a name never repeat. `name` is the
-- object's key (MODEL@VERSION for a model version).
CREATE TABLE object_history (
  kind     TEXT NOT NULL,
  name     TEXT NOT NULL,
  revision INTEGER NOT NULL,
  action   TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  actor    TEXT NOT NULL,
  time     TEXT NOT NULL,
  changes  TEXT NOT NULL,  -- JSON array of changed spec paths
  spec     TEXT NOT NULL,  -- the spec as JSON
  PRIMARY KEY (kind, name, revision)
) STRICT;

-- What exists already starts its history at the revision it is at.
INSERT INTO object_history(kind, name, revision, action, actor, time, changes, spec)
  SELECT 'Model', name, revision, CASE WHEN revision = 1 THEN 'create' ELSE 'update' END,
         updated_by, updated_at, '[]', spec FROM models;
INSERT INTO object_history(kind, name, revision, action, actor, time, changes, spec)
  SELECT 'ModelVersion', model || '@' || version, revision,
         CASE WHEN revision = 1 THEN 'create' ELSE 'update' END, updated_by, updated_at, '[]',
         spec FROM model_versions;
INSERT INTO object_history(kind, name, revision, action, actor, time, changes, spec)
  SELECT 'FeatureView', name, revision, CASE WHEN revision = 1 THEN 'create' ELSE 'update' END,
         updated_by, updated_at, '[]', spec FROM feature_views;
INSERT INTO object_history(kind, name, revision, action, actor, time, changes, spec)
  SELECT 'AIApplication', name, revision, CASE WHEN revision = 1 THEN 'create' ELSE 'update' END,
         updated_by, updated_at, '[]', spec FROM ai_applications;
INSERT INTO object_history(kind, name, revision, action, actor, time, changes, spec)
  SELECT 'DataProduct', id, revision, CASE WHEN revision = 1 THEN 'create' ELSE 'update' END,
         updated_by, updated_at, '[]', spec FROM data_products;
INSERT INTO object_history(kind, name, revision, action, actor, time, changes, spec)
  SELECT 'GlossaryTerm', id, revision, CASE WHEN revision = 1 THEN 'create' ELSE 'update' END,
         updated_by, updated_at, '[]', spec FROM glossary_terms;

-- Object history: as migrations/0032_object_history.sql.
CREATE TABLE object_history (
  kind     TEXT COLLATE "C" NOT NULL,
  name     TEXT COLLATE "C" NOT NULL,
  revision BIGINT NOT NULL,
  action   TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  actor    TEXT NOT NULL,
  time     TEXT NOT NULL,
  changes  TEXT NOT NULL,
  spec     TEXT NOT NULL,
  PRIMARY KEY (kind, name, revision)
);

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

-- AI applications (docs/models.md#ai-applications): each spec as JSON,
-- keyed by name; `domain` is read out of the spec so a domain that still
-- holds applications is not deleted. The review is kept beside the spec,
-- not in it: Apply never sets it, and a changed spec sets it back to
-- unreviewed. ai_application_uses lists what each application names (its
-- datasets with how it uses them, and its models with the reference as
-- written) so impact finds the applications downstream of a change.
CREATE TABLE ai_applications (
  name              TEXT PRIMARY KEY,
  domain            TEXT NOT NULL,
  spec              TEXT NOT NULL,
  review_state      TEXT NOT NULL DEFAULT 'unreviewed',
  reviewed_by       TEXT NOT NULL DEFAULT '',
  reviewed_at       TEXT NOT NULL DEFAULT '',
  review_note       TEXT NOT NULL DEFAULT '',
  reviewed_revision INTEGER NOT NULL DEFAULT 0,
  revision          INTEGER NOT NULL,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  updated_by        TEXT NOT NULL
) STRICT;
CREATE INDEX ai_applications_domain ON ai_applications(domain);
CREATE TABLE ai_application_uses (
  application TEXT NOT NULL REFERENCES ai_applications(name) DEFERRABLE INITIALLY DEFERRED,
  kind        TEXT NOT NULL,  -- dataset or model
  namespace   TEXT NOT NULL,  -- '' for a model
  name        TEXT NOT NULL,  -- the dataset's or the model's name
  used_as     TEXT NOT NULL,  -- dataSource, vectorIndex, tool:NAME:reads|writes; a model's reference
  PRIMARY KEY (application, kind, namespace, name, used_as)
) STRICT;
CREATE INDEX ai_application_uses_target ON ai_application_uses(kind, namespace, name);

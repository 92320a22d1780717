-- Feature views (docs/models.md#feature-views): each spec as JSON, keyed by
-- name; `domain` read out of the spec (a domain that still holds feature
-- views is not deleted) and the source dataset beside it, so impact finds
-- the views derived from a dataset it reaches.
CREATE TABLE feature_views (
  name             TEXT PRIMARY KEY,
  domain           TEXT NOT NULL,
  spec             TEXT NOT NULL,
  source_namespace TEXT NOT NULL DEFAULT '',
  source_name      TEXT NOT NULL DEFAULT '',
  revision         INTEGER NOT NULL,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  updated_by       TEXT NOT NULL
) STRICT;
CREATE INDEX feature_views_domain ON feature_views(domain);
CREATE INDEX feature_views_source ON feature_views(source_namespace, source_name);

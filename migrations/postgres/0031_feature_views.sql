-- Feature views: as migrations/0031_feature_views.sql.
CREATE TABLE feature_views (
  name             TEXT COLLATE "C" PRIMARY KEY,
  domain           TEXT COLLATE "C" NOT NULL,
  spec             TEXT NOT NULL,
  source_namespace TEXT COLLATE "C" NOT NULL DEFAULT '',
  source_name      TEXT COLLATE "C" NOT NULL DEFAULT '',
  revision         BIGINT NOT NULL,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  updated_by       TEXT NOT NULL
);
CREATE INDEX feature_views_domain ON feature_views(domain);
CREATE INDEX feature_views_source ON feature_views(source_namespace, source_name);

-- AI applications: as migrations/0030_ai_applications.sql.
CREATE TABLE ai_applications (
  name              TEXT COLLATE "C" PRIMARY KEY,
  domain            TEXT COLLATE "C" NOT NULL,
  spec              TEXT NOT NULL,
  review_state      TEXT NOT NULL DEFAULT 'unreviewed',
  reviewed_by       TEXT NOT NULL DEFAULT '',
  reviewed_at       TEXT NOT NULL DEFAULT '',
  review_note       TEXT NOT NULL DEFAULT '',
  reviewed_revision BIGINT NOT NULL DEFAULT 0,
  revision          BIGINT NOT NULL,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  updated_by        TEXT NOT NULL
);
CREATE INDEX ai_applications_domain ON ai_applications(domain);
CREATE TABLE ai_application_uses (
  application TEXT COLLATE "C" NOT NULL REFERENCES ai_applications(name) DEFERRABLE INITIALLY DEFERRED,
  kind        TEXT COLLATE "C" NOT NULL,
  namespace   TEXT COLLATE "C" NOT NULL,
  name        TEXT COLLATE "C" NOT NULL,
  used_as     TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (application, kind, namespace, name, used_as)
);
CREATE INDEX ai_application_uses_target ON ai_application_uses(kind, namespace, name);

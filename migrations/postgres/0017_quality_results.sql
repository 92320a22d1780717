-- Quality results as a time series: as migrations/0017_quality_results.sql.
CREATE TABLE quality_results (
  dataset_id    BIGINT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  event_ms      BIGINT NOT NULL,
  job_namespace TEXT COLLATE "C" NOT NULL,
  job_name      TEXT COLLATE "C" NOT NULL,
  run_id        TEXT COLLATE "C" NOT NULL,
  ordinal       BIGINT NOT NULL,
  facet         TEXT NOT NULL,
  column_name   TEXT COLLATE "C" NOT NULL,
  name          TEXT COLLATE "C" NOT NULL,
  check_type    TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('', 'pass', 'fail', 'skip')),
  severity      TEXT NOT NULL,
  expected      TEXT NOT NULL,
  actual        TEXT NOT NULL,
  value         TEXT NOT NULL,
  description   TEXT NOT NULL,
  reporter      TEXT NOT NULL,
  retained_from_ms BIGINT NOT NULL,
  PRIMARY KEY (dataset_id, event_ms, job_namespace, job_name, run_id, ordinal)
);
CREATE INDEX quality_results_by_retention ON quality_results(retained_from_ms);

-- Quality results as a time series: as migrations/0017_quality_results.sql.
CREATE TABLE quality_results (
  dataset_id    BIGINT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  event_ms      BIGINT NOT NULL,
  job_namespace TEXT COLLATE "C" NOT NULL,
  job_name      TEXT COLLATE "C" NOT NULL,
  run_id        TEXT COLLATE "C" NOT NULL,
  part          BIGINT NOT NULL,
  checks        BIGINT NOT NULL,
  failed        BIGINT NOT NULL,
  results       BYTEA NOT NULL,
  reporter      TEXT NOT NULL,
  retained_from_ms BIGINT NOT NULL,
  PRIMARY KEY (dataset_id, event_ms, job_namespace, job_name, run_id, part)
);
CREATE INDEX quality_results_by_retention ON quality_results(retained_from_ms);

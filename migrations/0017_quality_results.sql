-- Quality results as a time series (docs/quality.md): each check and each
-- measurement an OpenLineage event reported for a dataset, passes as well
-- as failures, kept for `quality-retention` from the later of the event's
-- time and its arrival (so a backfill is not forgotten as it arrives).
-- Written with the event's lineage, in its transaction; not a dataset
-- revision.
CREATE TABLE quality_results (
  dataset_id    INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  event_ms      INTEGER NOT NULL,  -- the event's time
  job_namespace TEXT NOT NULL,     -- the reporting job; '' for a DatasetEvent
  job_name      TEXT NOT NULL,
  run_id        TEXT NOT NULL,     -- '' unless a RunEvent
  ordinal       INTEGER NOT NULL,  -- its place among the event's results for the dataset
  facet         TEXT NOT NULL,     -- dataQualityAssertions, test, dataQualityMetrics, ...
  column_name   TEXT NOT NULL,     -- '' for the whole dataset
  name          TEXT NOT NULL,
  check_type    TEXT NOT NULL,     -- '' for a measurement
  status        TEXT NOT NULL CHECK (status IN ('', 'pass', 'fail', 'skip')),  -- '': a measurement
  severity      TEXT NOT NULL,
  expected      TEXT NOT NULL,
  actual        TEXT NOT NULL,
  value         TEXT NOT NULL,     -- a measurement's number as JSON text; '' for a check
  description   TEXT NOT NULL,
  reporter      TEXT NOT NULL,     -- the principal that sent the event
  retained_from_ms INTEGER NOT NULL,  -- max(event_ms, arrival): retention counts from it
  PRIMARY KEY (dataset_id, event_ms, job_namespace, job_name, run_id, ordinal)
) STRICT;
CREATE INDEX quality_results_by_retention ON quality_results(retained_from_ms);

-- Quality results as a time series (docs/quality.md): the checks and
-- measurements an OpenLineage event reported for a dataset, passes as well
-- as failures, one row per event and dataset, kept for `quality-retention`
-- from the later of the event's time and its arrival (so a backfill is not
-- forgotten as it arrives). Written with the event's lineage, in its
-- transaction; not a dataset revision.
CREATE TABLE quality_results (
  dataset_id    INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  event_ms      INTEGER NOT NULL,  -- the event's time
  job_namespace TEXT NOT NULL,     -- the reporting job; '' for a DatasetEvent
  job_name      TEXT NOT NULL,
  run_id        TEXT NOT NULL,     -- '' unless a RunEvent
  part          INTEGER NOT NULL,  -- 0; 1, 2... when the event names the dataset again
  checks        INTEGER NOT NULL,  -- how many of the results are checks
  failed        INTEGER NOT NULL,  -- how many checks failed
  results       BLOB NOT NULL,     -- catalog.v1.QualityResultList, in the event's order
  reporter      TEXT NOT NULL,     -- the principal that sent the event
  retained_from_ms INTEGER NOT NULL,  -- max(event_ms, arrival): retention counts from it
  PRIMARY KEY (dataset_id, event_ms, job_namespace, job_name, run_id, part)
) STRICT;
CREATE INDEX quality_results_by_retention ON quality_results(retained_from_ms);

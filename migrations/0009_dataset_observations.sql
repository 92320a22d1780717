-- What lineage events said of a dataset that their reporter may not change
-- (its description, owners, tags, lifecycle or properties): kept, the latest
-- per field and reporter, for those who may change the dataset to accept or
-- dismiss (docs/lineage.md).
CREATE TABLE dataset_observations (
  dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  field       TEXT NOT NULL,  -- a dataset spec field, as manifests name it
  reporter    TEXT NOT NULL,  -- the principal that sent the event
  value       TEXT NOT NULL,  -- JSON: the field as the event would have made it
  job_namespace TEXT NOT NULL,  -- the reporting job; '' for a DatasetEvent
  job_name      TEXT NOT NULL,
  event_ms    INTEGER NOT NULL,
  observed_at TEXT NOT NULL,
  -- Dismissed by a curator: hidden until the reporter says something newer.
  dismissed   INTEGER NOT NULL DEFAULT 0 CHECK (dismissed IN (0, 1)),
  PRIMARY KEY (dataset_id, field, reporter)
) STRICT, WITHOUT ROWID;

-- Lineage from OpenLineage events: jobs, runs, dataset and column edges,
-- dataset aliases (symlinks) and the facets events reported. Times that
-- order events are event times in milliseconds since the epoch.

CREATE TABLE jobs (
  id               INTEGER PRIMARY KEY,
  namespace        TEXT NOT NULL,
  name             TEXT NOT NULL,
  job_type         TEXT NOT NULL DEFAULT '',
  description      TEXT NOT NULL DEFAULT '',
  sql              TEXT NOT NULL DEFAULT '',
  facets           TEXT NOT NULL DEFAULT '{}',  -- latest of each facet
  latest_run_id    TEXT NOT NULL DEFAULT '',
  -- The latest COMPLETE run: edges it did not report are inactive.
  complete_run_id  TEXT NOT NULL DEFAULT '',
  complete_time_ms INTEGER NOT NULL DEFAULT 0,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  UNIQUE (namespace, name)
) STRICT;

-- Run ids are meant to be UUIDs, unique everywhere; producers that send
-- other ids are kept apart by job.
CREATE TABLE runs (
  job_id         INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  run_id         TEXT NOT NULL,
  state          TEXT NOT NULL,
  started_ms     INTEGER,  -- the START event's time
  ended_ms       INTEGER,  -- the COMPLETE, FAIL or ABORT event's time
  last_event_ms  INTEGER NOT NULL,
  parent_run_id  TEXT NOT NULL DEFAULT '',
  parent_job     TEXT NOT NULL DEFAULT '',  -- "namespace/name"
  error_message  TEXT NOT NULL DEFAULT '',
  facets         TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (job_id, run_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX runs_latest ON runs(job_id, last_event_ms);

-- Each state a run reported, once.
CREATE TABLE run_transitions (
  job_id        INTEGER NOT NULL,
  run_id        TEXT NOT NULL,
  state         TEXT NOT NULL,
  event_time_ms INTEGER NOT NULL,
  PRIMARY KEY (job_id, run_id, state, event_time_ms),
  FOREIGN KEY (job_id, run_id) REFERENCES runs(job_id, run_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- input: the job reads the dataset; output: the job writes it.
CREATE TABLE lineage_edges (
  job_id        INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  dataset_id    INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  output        INTEGER NOT NULL CHECK (output IN (0, 1)),
  run_id        TEXT NOT NULL,  -- the run that last reported it; '' from a JobEvent
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms  INTEGER NOT NULL,
  active        INTEGER NOT NULL CHECK (active IN (0, 1)),
  io_facets     TEXT NOT NULL DEFAULT '{}',  -- input/outputFacets last reported
  PRIMARY KEY (job_id, dataset_id, output)
) STRICT, WITHOUT ROWID;
CREATE INDEX lineage_edges_dataset ON lineage_edges(dataset_id, output);

-- out_field '' is a dependency of the whole output (a filter, a join key).
CREATE TABLE column_edges (
  out_dataset     INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  out_field       TEXT NOT NULL,
  in_dataset      INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  in_field        TEXT NOT NULL,
  job_id          INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  transformations TEXT NOT NULL,  -- JSON array of {type, subtype, description, masking}
  run_id          TEXT NOT NULL,
  first_seen_ms   INTEGER NOT NULL,
  last_seen_ms    INTEGER NOT NULL,
  active          INTEGER NOT NULL CHECK (active IN (0, 1)),
  PRIMARY KEY (out_dataset, out_field, in_dataset, in_field, job_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX column_edges_input ON column_edges(in_dataset, in_field);
CREATE INDEX column_edges_job ON column_edges(job_id);

-- Other names of a dataset (OpenLineage symlinks).
CREATE TABLE dataset_aliases (
  namespace  TEXT NOT NULL,
  name       TEXT NOT NULL,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  type       TEXT NOT NULL,
  PRIMARY KEY (namespace, name)
) STRICT;
CREATE INDEX dataset_aliases_dataset ON dataset_aliases(dataset_id);

-- The latest of each facet events reported for a dataset.
CREATE TABLE dataset_facets (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  facet      TEXT NOT NULL,
  value      TEXT NOT NULL,
  event_ms   INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, facet)
) STRICT, WITHOUT ROWID;

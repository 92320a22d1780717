-- Incidents (docs/quality.md#incidents): opened when a dataset's blocking
-- check fails, its freshness agreement is missed or a write breaks its
-- contract's schema — one open incident per dataset and cause — and
-- resolved by hand or when the cause recovers. Times are milliseconds
-- since the epoch, 0 for not yet.
CREATE TABLE incidents (
  id              INTEGER PRIMARY KEY,
  dataset_id      INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  cause           TEXT NOT NULL,     -- "freshness", "contract", "check <facet> <column> <name>"
  kind            TEXT NOT NULL,     -- freshness, contract, check
  summary         TEXT NOT NULL,     -- what broke, one line
  severity        TEXT NOT NULL,     -- the check's, else "error"
  state           TEXT NOT NULL,     -- open, acknowledged, resolved
  cause_ms        INTEGER NOT NULL,  -- when the cause began (time to detect counts from it)
  opened_ms       INTEGER NOT NULL,
  acknowledged_ms INTEGER NOT NULL,
  resolved_ms     INTEGER NOT NULL,
  assignee        TEXT NOT NULL,
  resolved_by     TEXT NOT NULL,     -- "catalogd" when the cause recovered
  resolution      TEXT NOT NULL,
  notes           TEXT NOT NULL      -- JSON array of {at, by, text}
) STRICT;
-- One open (or acknowledged) incident per dataset and cause.
CREATE UNIQUE INDEX incidents_open ON incidents(dataset_id, cause) WHERE state <> 'resolved';
CREATE INDEX incidents_by_state ON incidents(state, id);

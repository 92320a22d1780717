-- A dataset's own health (docs/quality.md#health): what its checks, its
-- contract and the freshness its contract promises say of it now. One row
-- per dataset that was ever judged; written with the event or the clock's
-- sweep that changed it. A change of `health` or `freshness` is a catalog
-- revision (and a change row), never a dataset revision. Times are
-- milliseconds since the epoch, 0 for none.
CREATE TABLE dataset_health (
  dataset_id         INTEGER PRIMARY KEY REFERENCES datasets(id) ON DELETE CASCADE,
  health             TEXT NOT NULL,     -- ok, warning, stale, failing
  health_since_ms    INTEGER NOT NULL,
  freshness          TEXT NOT NULL,     -- unknown, fresh, stale
  freshness_since_ms INTEGER NOT NULL,
  freshness_reason   TEXT NOT NULL,
  last_write_ms      INTEGER NOT NULL,  -- the newest successful write
  sla                TEXT NOT NULL,     -- the active contract's agreement (EncodeSla)
  next_check_ms      INTEGER NOT NULL,  -- when the freshness changes unless written
  failing            BLOB NOT NULL,     -- catalog.v1.QualityResultList: checks failing now
  contract_broken_ms INTEGER NOT NULL,  -- since the last write broke the contract's schema
  contract_broken    TEXT NOT NULL      -- that write's violations, JSON
) STRICT;
-- The clock's sweep: the rows whose judgement is due.
CREATE INDEX dataset_health_due ON dataset_health(next_check_ms) WHERE next_check_ms > 0;

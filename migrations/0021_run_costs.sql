-- What runs cost (docs/cost.md): one row per run that reported a cost
-- facet or BigQuery's billedBytes, the latest report winning. Amounts in
-- millionths of their currency, never added across currencies.
CREATE TABLE run_costs (
  job_id        INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  run_id        TEXT NOT NULL,
  event_ms      INTEGER NOT NULL,  -- the reporting event's time
  currency      TEXT NOT NULL,     -- ISO 4217; '' when only bytes were reported
  amount_micros INTEGER,           -- NULL: no amount
  billed_bytes  INTEGER,           -- NULL: none reported
  PRIMARY KEY (job_id, run_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX run_costs_time ON run_costs(event_ms);

-- What runs cost: as migrations/0021_run_costs.sql.
CREATE TABLE run_costs (
  job_id        BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  run_id        TEXT COLLATE "C" NOT NULL,
  event_ms      BIGINT NOT NULL,
  currency      TEXT NOT NULL,
  amount_micros BIGINT,
  billed_bytes  BIGINT,
  PRIMARY KEY (job_id, run_id)
);
CREATE INDEX run_costs_time ON run_costs(event_ms);

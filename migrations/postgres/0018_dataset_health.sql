-- A dataset's own health: as migrations/0018_dataset_health.sql.
CREATE TABLE dataset_health (
  dataset_id         BIGINT PRIMARY KEY REFERENCES datasets(id) ON DELETE CASCADE,
  health             TEXT NOT NULL,
  health_since_ms    BIGINT NOT NULL,
  freshness          TEXT NOT NULL,
  freshness_since_ms BIGINT NOT NULL,
  freshness_reason   TEXT NOT NULL,
  last_write_ms      BIGINT NOT NULL,
  sla                TEXT NOT NULL,
  next_check_ms      BIGINT NOT NULL,
  failing            BYTEA NOT NULL,
  contract_broken_ms BIGINT NOT NULL,
  contract_broken    TEXT NOT NULL
);
CREATE INDEX dataset_health_due ON dataset_health(next_check_ms) WHERE next_check_ms > 0;

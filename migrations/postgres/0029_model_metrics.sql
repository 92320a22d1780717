-- Monitoring facts about model versions over time: as migrations/0029_model_metrics.sql.
CREATE TABLE model_metrics (
  model            TEXT COLLATE "C" NOT NULL,
  version          TEXT COLLATE "C" NOT NULL,
  name             TEXT COLLATE "C" NOT NULL,
  at_ms            BIGINT NOT NULL,
  value            DOUBLE PRECISION NOT NULL,
  reporter         TEXT NOT NULL,
  retained_from_ms BIGINT NOT NULL,
  PRIMARY KEY (model, version, name, at_ms),
  FOREIGN KEY (model, version) REFERENCES model_versions(model, version)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX model_metrics_retained ON model_metrics(retained_from_ms);

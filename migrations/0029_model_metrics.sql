-- Monitoring facts about model versions over time (docs/models.md#monitoring):
-- evaluation scores, drift, latency, token counts and cost, one row per
-- metric and time; the same metric at the same time again replaces it. Kept
-- as long as quality results (quality-retention), pruned by the same sweep.
CREATE TABLE model_metrics (
  model            TEXT NOT NULL,
  version          TEXT NOT NULL,
  name             TEXT NOT NULL,
  at_ms            INTEGER NOT NULL,
  value            REAL NOT NULL,
  reporter         TEXT NOT NULL,
  retained_from_ms INTEGER NOT NULL,
  PRIMARY KEY (model, version, name, at_ms),
  FOREIGN KEY (model, version) REFERENCES model_versions(model, version)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX model_metrics_retained ON model_metrics(retained_from_ms);

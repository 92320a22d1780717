-- Jobs have owners: who may report their runs (lineage:write on Job). A job
-- belongs to the first principal that reports it, until a Job manifest
-- reassigns it; at this upgrade, to the principal that reported it last
-- (its newest lineage.ingest audit event). A job with no owners belongs to
-- the next principal that reports it.
ALTER TABLE jobs ADD COLUMN owners TEXT NOT NULL DEFAULT '[]';
-- Counts changes of owners (a Job manifest's metadata.revision).
ALTER TABLE jobs ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

UPDATE jobs SET owners = json_array(json_object('principal', last.actor, 'type', 'technical'))
FROM (SELECT target, actor, max(seq) FROM audit_events
      WHERE action = 'lineage.ingest' AND target_kind = 'Job' GROUP BY target) AS last
WHERE last.target = jobs.namespace || '/' || jobs.name;

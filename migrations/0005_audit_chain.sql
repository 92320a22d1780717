-- The audit log becomes a hash chain: each event holds the SHA-256 of the
-- one before (prev_hash) and its own (hash) over its content and prev_hash.
-- Rows written before this migration are chained by catalogd when it
-- opens the database. `decision` is "allow" or "deny" for authorization
-- decisions, "" for mutations.
ALTER TABLE audit_events ADD COLUMN decision TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_events_time ON audit_events(time);
CREATE INDEX audit_events_action ON audit_events(action);

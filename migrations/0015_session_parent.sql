-- A web UI session remembers the token it was signed in with (parent), so
-- that revoking the token ends the sessions it opened.
ALTER TABLE tokens ADD COLUMN parent TEXT;
CREATE INDEX tokens_parent ON tokens(parent) WHERE parent IS NOT NULL;

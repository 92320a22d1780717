-- The client certificate identity (SPIFFE ID, or "dns:NAME") of the actor
-- of an event, when it called with one; "" otherwise. Older events have
-- none, and their hashes cover no peer.
ALTER TABLE audit_events ADD COLUMN peer TEXT NOT NULL DEFAULT '';

-- A decision event names who asked (actor) and whom the decision is about
-- (subject, "" when the same or for mutations). Older events have none, and
-- their hashes cover no subject.
ALTER TABLE audit_events ADD COLUMN subject TEXT NOT NULL DEFAULT '';

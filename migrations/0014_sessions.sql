-- Web UI sessions (server/ui_session.h) are tokens of kind 'session': made
-- by signing in, ended by signing out (revoked) or by their lifetime.
-- session_activity is when each was last used, written at most once a
-- minute by each replica that serves it, so an idle timeout holds across
-- replicas. It is not catalog state: no revision, no audit event.
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
CREATE TABLE session_activity (
  token_id  TEXT PRIMARY KEY,
  last_seen TEXT NOT NULL
) STRICT;

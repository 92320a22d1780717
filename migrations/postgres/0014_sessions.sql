-- Web UI sessions: as migrations/0014_sessions.sql.
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
CREATE TABLE session_activity (
  token_id  TEXT COLLATE "C" PRIMARY KEY,
  last_seen TEXT NOT NULL
);

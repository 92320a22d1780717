-- Tokens may expire and may be limited to some actions. expires_at is
-- RFC 3339 UTC ("" = never); actions is a JSON array of action names
-- ("[]" = whatever the policies allow the principal).
ALTER TABLE tokens ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN actions TEXT NOT NULL DEFAULT '[]';

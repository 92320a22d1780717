-- The store's identity, which consistency tokens carry (as SQLite's 0013),
-- and the change feed replicas follow: each committed write's Change
-- (server/store/change_codec.h), by the revision it took under the head's
-- lock, so the table has no gaps until old rows are pruned.
INSERT INTO meta(key, value) VALUES
  ('store_id', floor(random() * 9007199254740991)::bigint + 1),
  ('epoch', 1);

CREATE TABLE changes (
  revision BIGINT PRIMARY KEY,
  payload  BYTEA NOT NULL
);

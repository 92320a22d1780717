-- The store's identity, which consistency tokens carry: a random id made
-- once, and an epoch that changes when the catalog's history may have
-- diverged from what a token saw (a restore, a database gone back in time).
INSERT INTO meta(key, value) VALUES
  ('store_id', abs(random() % 9007199254740991) + 1),
  ('epoch', 1);

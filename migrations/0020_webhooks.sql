-- Webhooks (docs/quality.md#webhooks): subscriptions to a dataset's or a
-- domain's incident and contract events, and the deliveries owed to them.
-- A delivery is written in the transaction of its event (an outbox: an
-- event committed is a delivery owed), and the leader POSTs each
-- webhook's deliveries in order, retrying with backoff; a webhook whose
-- receiver keeps failing is paused with its deliveries kept. Times are
-- milliseconds since the epoch, 0 for not yet.
CREATE TABLE webhooks (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  url          TEXT NOT NULL,
  scope_kind   TEXT NOT NULL,     -- dataset, domain (and its subdomains)
  scope        TEXT NOT NULL,     -- "namespace/name" or a domain's path
  events       TEXT NOT NULL,     -- space-separated: incident.opened incident.resolved contract.violated
  subscriber   TEXT NOT NULL,     -- who subscribed: payloads name only what they may read
  secret       TEXT NOT NULL,     -- the signing secret, sealed under the secrets key
  key_id       TEXT NOT NULL,     -- which secrets key sealed it
  state        TEXT NOT NULL,     -- active, paused
  state_reason TEXT NOT NULL,
  created_ms   INTEGER NOT NULL
) STRICT;
CREATE INDEX webhooks_scope ON webhooks(scope_kind, scope);

CREATE TABLE webhook_deliveries (
  id          INTEGER PRIMARY KEY,
  webhook_id  INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event       TEXT NOT NULL,
  namespace   TEXT NOT NULL,     -- the dataset it is about
  name        TEXT NOT NULL,
  detail      TEXT NOT NULL,     -- JSON: the event's facts (incident, violations)
  created_ms  INTEGER NOT NULL,
  state       TEXT NOT NULL,     -- pending, delivered, skipped
  attempts    INTEGER NOT NULL,
  next_ms     INTEGER NOT NULL,  -- when it is tried next (pending)
  last_ms     INTEGER NOT NULL,  -- the last attempt
  last_status INTEGER NOT NULL,  -- its HTTP status, 0 none
  last_error  TEXT NOT NULL,
  body        TEXT NOT NULL      -- what is POSTed, fixed at the first attempt
) STRICT;
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries(webhook_id, state, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_ms);

-- The compliance report's trend (docs/governance.md#report): each day's
-- last evaluation of every rule, per domain ('' for datasets of none),
-- written by the leader's governance sweep.
CREATE TABLE governance_evaluations (
  day     TEXT NOT NULL,     -- YYYY-MM-DD (UTC)
  rule    TEXT NOT NULL,
  domain  TEXT NOT NULL,
  checks  INTEGER NOT NULL,  -- covered datasets
  passed  INTEGER NOT NULL,  -- of them, holding or waived
  at_ms   INTEGER NOT NULL,  -- when this evaluation was made
  PRIMARY KEY (day, rule, domain)
) STRICT;

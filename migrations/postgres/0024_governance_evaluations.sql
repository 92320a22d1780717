-- The compliance report's trend: as migrations/0024_governance_evaluations.sql.
CREATE TABLE governance_evaluations (
  day     TEXT COLLATE "C" NOT NULL,
  rule    TEXT COLLATE "C" NOT NULL,
  domain  TEXT COLLATE "C" NOT NULL,
  checks  BIGINT NOT NULL,
  passed  BIGINT NOT NULL,
  at_ms   BIGINT NOT NULL,
  PRIMARY KEY (day, rule, domain)
);

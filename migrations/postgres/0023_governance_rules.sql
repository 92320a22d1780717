-- Governance rules: as migrations/0023_governance_rules.sql.
CREATE TABLE governance_rules (
  name       TEXT COLLATE "C" NOT NULL,
  version    BIGINT NOT NULL,
  spec       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (name, version)
);

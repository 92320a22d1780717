-- Governance rules (docs/governance.md#rules): every version of every rule,
-- the spec as JSON as its manifest holds it; a deletion is a version whose
-- spec is '' (the history stays). The rules in force are each name's
-- latest version, unless deleted.
CREATE TABLE governance_rules (
  name       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  spec       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (name, version)
) STRICT;

-- Data contracts (ODCS v3). Every version as submitted; `seq` orders the
-- versions of one contract as they were registered.
CREATE TABLE contracts (
  contract_id TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  version     TEXT NOT NULL,
  status      TEXT NOT NULL,
  document    TEXT NOT NULL,
  file        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  PRIMARY KEY (contract_id, seq),
  UNIQUE (contract_id, version)
) STRICT;

-- Which dataset each schema object of a contract describes. A dataset has
-- at most one contract; the binding names datasets by key, so a contract
-- may be registered before its datasets exist.
CREATE TABLE contract_bindings (
  dataset_namespace TEXT NOT NULL,
  dataset_name      TEXT NOT NULL,
  contract_id       TEXT NOT NULL,
  object            TEXT NOT NULL,
  PRIMARY KEY (dataset_namespace, dataset_name)
) STRICT;
CREATE INDEX contract_bindings_by_contract ON contract_bindings(contract_id);

-- Writes (seen in lineage events) whose schema broke the dataset's active
-- contract. `violations` is a JSON array of {property, rule, message}.
CREATE TABLE contract_violations (
  id                INTEGER PRIMARY KEY,
  dataset_namespace TEXT NOT NULL,
  dataset_name      TEXT NOT NULL,
  contract_id       TEXT NOT NULL,
  version           TEXT NOT NULL,
  source            TEXT NOT NULL,
  violations        TEXT NOT NULL,
  at                TEXT NOT NULL
) STRICT;
CREATE INDEX contract_violations_by_dataset
  ON contract_violations(dataset_namespace, dataset_name, id);

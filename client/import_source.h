// What `catalogctl import` reads from a live database's own catalog: its
// tables and views, with their columns (type, nullability, comment), the
// primary key and the table's comment, named the way OpenLineage names
// them so lineage events from pipelines land on the same datasets.
//
//   PostgreSQL: namespace postgres://{host}:{port}, name {db}.{schema}.{table}
//   SQLite:     namespace sqlite://{absolute path}, name {table}
//               (OpenLineage's naming has no rule for SQLite files)
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"

namespace catalog::client {

struct ImportedTable {
  DatasetKey key;
  std::string kind;  // "table", "view", "materialized view", "foreign table"
  std::string description;
  std::vector<Field> fields;
  std::vector<std::string> primary_key;  // column names, in key order
};

struct ImportedCatalog {
  std::string ns;
  // Names a dataset of this source starts with ("db.sales." for one
  // schema, "db." for them all, "" for a SQLite file): a dataset in `ns`
  // under one of them and not in `tables` is a table that went away.
  std::vector<std::string> prefixes;
  std::vector<ImportedTable> tables;
};

// `url` is a libpq connection URI or "key=value" string; credentials come
// the libpq way (PGPASSWORD, ~/.pgpass, PGSSLMODE...): a password written
// in `url` is refused, so it never lands in shell history or process
// lists. `schemas` empty means every schema but PostgreSQL's own.
// `ns` empty names the namespace from the server's host and port.
absl::StatusOr<ImportedCatalog> ReadPostgres(const std::string& url,
                                             const std::vector<std::string>& schemas,
                                             const std::string& ns);

// The SQLite database file at `path`, opened read-only.
absl::StatusOr<ImportedCatalog> ReadSqlite(const std::string& path, const std::string& ns);

}  // namespace catalog::client

// Schema migrations: numbered SQL files from migrations/, embedded into the
// binary at build time and applied in order, all in one transaction,
// recorded in the schema_migrations table.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace catalog::store {

class Connection;

struct Migration {
  int version;
  std::string name;  // the file name, "0001_init.sql"
  std::string sql;
};

// The table that records applied migrations in SQLite (made by
// CurrentSchemaVersion).
extern const char kSchemaMigrationsTable[];

// Every migration compiled into this binary, in version order: SQLite's
// (migrations/) and PostgreSQL's (migrations/postgres/). PostgreSQL's
// start at the schema SQLite's first 12 made, as one file.
const std::vector<Migration>& EmbeddedMigrations();
const std::vector<Migration>& EmbeddedPostgresMigrations();

// The highest version recorded in the database (0 for a new database).
absl::StatusOr<int> CurrentSchemaVersion(Connection& db);

// Applies the migrations in `migrations` the database lacks, in one
// transaction; with `dry_run` it only lists them. Fails with
// FAILED_PRECONDITION, changing nothing, when the database is newer than the
// newest migration given. Returns the migrations applied (or that would be).
absl::StatusOr<std::vector<Migration>> Migrate(
    Connection& db, const std::vector<Migration>& migrations, bool dry_run);

}  // namespace catalog::store

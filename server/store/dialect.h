// What differs between the store's two engines beyond a connection (db.h):
// the full-text search index and the few expressions the engines spell
// differently. Each engine's SQL for these is in one file
// (dialect_sqlite.cc, dialect_postgres.cc); the rest of the store's SQL is
// written once, in the subset both accept.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace catalog::store {

class Connection;
struct Change;
struct Migration;

// A dataset's text as the search index holds it.
struct SearchRow {
  std::string key;          // "namespace name"
  std::string description;
  std::string fields;       // field names, nested ones too, space-separated
  std::string tags;         // dataset and field tags, space-separated
};

// The three tiers of a search, best first; every word must match within a
// tier's columns, the last word as a prefix.
enum class SearchTier {
  kName = 0,         // in the dataset's name (key)
  kDescription = 1,  // in name, description and tags together, not the name alone
  kFields = 2,       // only with field names too
};

class Dialect {
 public:
  virtual ~Dialect() = default;

  // "SQLite", "PostgreSQL": for messages.
  virtual std::string_view name() const = 0;

  // This engine's migrations (migrations.h), in version order: the same
  // versions in both engines mean the same schema.
  virtual const std::vector<Migration>& migrations() const = 0;
  // DDL creating the table of applied migrations when it is missing.
  virtual std::string_view schema_migrations_table() const = 0;

  // An SQL expression, with a row of `datasets` in scope, selecting the
  // bound contract's latest version as a JSON array [id, version, status,
  // object] (read by ReadContractColumn), or NULL.
  virtual std::string_view contract_column() const = 0;

  // The FROM clause that reads datasets' keys (id, namespace, name) by id
  // from the index that holds only them (migration 0016), not the rows.
  virtual std::string_view dataset_keys_source() const = 0;

  // Records `change` (its catalog_revision set) in the current write
  // transaction for other replicas, and wakes them when it commits.
  // SQLite: nothing (one process writes; its own commits are its feed).
  virtual absl::Status RecordChange(Connection& db, const Change& change) const = 0;
  // Forgets up to `limit` recorded changes at or below `revision`;
  // returns how many.
  virtual absl::StatusOr<int64_t> PruneChanges(Connection& db, int64_t revision,
                                               int limit) const = 0;
  // Up to `limit` recorded changes after `after`, in revision order.
  virtual absl::Status ReadChanges(Connection& db, int64_t after, int limit,
                                   std::vector<std::pair<int64_t, std::string>>* out) const = 0;

  // After rows were inserted with their ids given (a copy), makes new rows
  // take ids after them.
  virtual absl::Status ContinueIds(Connection& db) const = 0;

  // Prepares a new writer connection (per-connection tables, settings).
  virtual absl::Status PrepareWriter(Connection& writer) const = 0;

  // Sets dataset `id`'s search row (nullptr: removes it) in the current
  // write transaction; FlushSearchRows runs before it commits.
  virtual absl::Status PutSearchRow(Connection& db, int64_t id, const SearchRow* row) const = 0;
  virtual absl::Status FlushSearchRows(Connection& db) const = 0;

  // The dataset ids matching `words` (at least one; letters and digits
  // only) in `tier`, in id order: how many there are, and those after the
  // first `offset`, at most `limit`.
  virtual absl::StatusOr<int64_t> CountSearch(Connection& db,
                                              const std::vector<std::string>& words,
                                              SearchTier tier) const = 0;
  virtual absl::Status Search(Connection& db, const std::vector<std::string>& words,
                              SearchTier tier, int64_t offset, int64_t limit,
                              std::vector<int64_t>* ids) const = 0;
};

}  // namespace catalog::store

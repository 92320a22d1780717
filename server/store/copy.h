// Moving a whole catalog between stores (`catalogd copy`): from an SQLite
// data directory to PostgreSQL when an organisation outgrows one machine,
// and back. Every row of every catalog table is copied as it is — datasets
// with their history, lineage, contracts, policies, tokens (hashes only),
// the audit log with its hash chain — in one read transaction on the
// source and one write transaction on the destination; the search index
// is rebuilt from the datasets. The destination is a store of its own (a
// new identity: consistency tokens of the source are refused there).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace catalog::store {

// Where a store is: an SQLite file, or a PostgreSQL URL.
struct StoreLocation {
  std::string sqlite_path;
  std::string postgres_url;
  std::string ToString() const;
};

struct CopyReport {
  std::map<std::string, int64_t> rows;  // by table
  int64_t catalog_revision = 0;
  int schema_version = 0;
};

// Copies `from` into `to`, both brought to this binary's schema version
// first. FAILED_PRECONDITION, changing nothing, when `to` already holds a
// catalog (any object, policy, token or audit event).
absl::StatusOr<CopyReport> CopyStore(const StoreLocation& from, const StoreLocation& to);

// The tables CopyStore copies, in the order it copies them.
const std::vector<std::string>& CopiedTables();

}  // namespace catalog::store

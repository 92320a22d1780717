// A thin RAII layer over the SQLite C API: connections, prepared statements
// and the single mapping from SQLite result codes to absl::Status.
//
//   ASSIGN_OR_RETURN(auto db, Connection::Open(path, /*read_only=*/false));
//   Statement& s = db->Prepare("SELECT revision FROM datasets WHERE id = ?");
//   s.Bind(1, id);
//   ASSIGN_OR_RETURN(bool row, s.Step());
//
// A Connection is used by one thread at a time; the store hands them out.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct sqlite3;
struct sqlite3_stmt;

namespace catalog::store {

// The one place SQLite result codes become statuses: BUSY/LOCKED ->
// UNAVAILABLE, FULL -> RESOURCE_EXHAUSTED, CONSTRAINT -> FAILED_PRECONDITION,
// CORRUPT/NOTADB -> DATA_LOSS, anything else -> INTERNAL.
absl::Status SqliteStatus(int rc, sqlite3* db, std::string_view context);

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  void Bind(int index, int64_t value);
  void Bind(int index, std::string_view value);
  void BindBlob(int index, std::string_view bytes);
  void BindNull(int index);

  // Returns true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Steps to completion, ignoring rows, then resets (keeping the bindings)
  // so the statement can be bound and run again.
  absl::Status Run();

  int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;
  // The column's bytes, valid until the statement steps or resets.
  std::string_view BlobView(int column) const;
  bool IsNull(int column) const;
  double Double(int column) const;

  // Clears bindings and rewinds; called automatically by Connection::Prepare.
  void Reset();

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  // Opens (creating when `read_only` is false) the database at `path` with
  // the pragmas the store relies on: WAL, synchronous=FULL, foreign keys,
  // a busy timeout.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& path, bool read_only, int busy_timeout_ms);
  ~Connection();

  // Returns a cached prepared statement, reset and ready to bind. The
  // reference stays valid for the connection's lifetime; SQL is a fixed
  // string from the store, never built from user input.
  absl::StatusOr<Statement*> Prepare(std::string_view sql);

  // Runs one or more statements without results (DDL, BEGIN, COMMIT).
  absl::Status Exec(std::string_view sql);

  // Rewinds every cached statement so none holds a read snapshot open.
  void ResetAll();

  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes();

  sqlite3* raw() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> cache_;
};

// Begins a transaction on construction and rolls it back on destruction
// unless Commit() succeeded.
class Transaction {
 public:
  // `immediate` takes the write lock at once (for writers).
  static absl::StatusOr<Transaction> Begin(Connection& db, bool immediate);
  Transaction(Transaction&& other) noexcept : db_(other.db_) {
    other.db_ = nullptr;
  }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  absl::Status Commit();

 private:
  explicit Transaction(Connection* db) : db_(db) {}
  Connection* db_;
};

}  // namespace catalog::store

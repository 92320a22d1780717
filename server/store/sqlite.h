// The SQLite engine's connections (db.h) over the SQLite C API, and the
// single mapping from SQLite result codes to absl::Status.
//
//   ASSIGN_OR_RETURN(auto db, SqliteConnection::Open(path, /*read_only=*/false, 5000));
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/db.h"

struct sqlite3;
struct sqlite3_stmt;

namespace catalog::store {

// The one place SQLite result codes become statuses: BUSY/LOCKED ->
// UNAVAILABLE, FULL -> RESOURCE_EXHAUSTED, CONSTRAINT -> FAILED_PRECONDITION,
// CORRUPT/NOTADB -> DATA_LOSS, anything else -> INTERNAL.
absl::Status SqliteStatus(int rc, sqlite3* db, std::string_view context);

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void Bind(int index, int64_t value) override;
  void Bind(int index, std::string_view value) override;
  void BindBlob(int index, std::string_view bytes) override;
  void BindDouble(int index, double value) override;
  void BindNull(int index) override;
  absl::StatusOr<bool> Step() override;
  absl::Status Run() override;
  int64_t Int(int column) const override;
  std::string Text(int column) const override;
  std::string Blob(int column) const override;
  std::string_view BlobView(int column) const override;
  bool IsNull(int column) const override;
  double Double(int column) const override;
  void Reset() override;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteConnection final : public Connection {
 public:
  // Opens (creating when `read_only` is false) the database at `path` with
  // the pragmas the store relies on: WAL, synchronous=FULL, foreign keys,
  // a busy timeout.
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> Open(
      const std::string& path, bool read_only, int busy_timeout_ms);
  ~SqliteConnection() override;

  absl::StatusOr<Statement*> Prepare(std::string_view sql) override;
  absl::Status Exec(std::string_view sql) override;
  // kWrite and kSchema take SQLite's write lock at once (BEGIN IMMEDIATE).
  absl::Status Begin(TxnMode mode) override;
  absl::Status Commit() override;
  void Rollback() override;
  int64_t Changes() override;
  const Dialect& dialect() const override;

  // Rewinds every cached statement so none holds a read snapshot open.
  void ResetAll();

  sqlite3* raw() { return db_; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<SqliteStatement>, std::less<>> cache_;
};

// SQLite's SQL where it differs from PostgreSQL's (dialect_sqlite.cc).
const Dialect& SqliteDialect();

}  // namespace catalog::store

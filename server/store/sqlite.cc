#include "server/store/sqlite.h"

#include <sqlite3.h>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::store {

absl::Status SqliteStatus(int rc, sqlite3* db, std::string_view context) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) {
    return absl::OkStatus();
  }
  std::string message =
      StrCat(context, ": ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(
          StrCat(message, " (the database is locked by another writer)"));
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    case SQLITE_CONSTRAINT:
      return absl::FailedPreconditionError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

void SqliteStatement::BindDouble(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
}

void SqliteStatement::Bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
}

void SqliteStatement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
}

void SqliteStatement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

absl::StatusOr<bool> SqliteStatement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  absl::Status status = SqliteStatus(rc, db_, "sqlite step");
  sqlite3_reset(stmt_);
  return status;
}

absl::Status SqliteStatement::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) {
      sqlite3_reset(stmt_);
      return row.status();
    }
    if (!*row) break;
  }
  // Ready to be bound and run again: binding a stepped statement fails.
  sqlite3_reset(stmt_);
  return absl::OkStatus();
}

int64_t SqliteStatement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double SqliteStatement::Double(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string SqliteStatement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     sqlite3_column_bytes(stmt_, column));
}

std::string_view SqliteStatement::BlobView(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  if (data == nullptr) return {};
  return {static_cast<const char*>(data),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string SqliteStatement::Blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  if (data == nullptr) return "";
  return std::string(static_cast<const char*>(data),
                     sqlite3_column_bytes(stmt_, column));
}

bool SqliteStatement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, bool read_only, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY
                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteStatus(rc, db, StrCat("open ", path));
    sqlite3_close(db);
    return status;
  }
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db));
  // A database file is data, not code: no writing the schema through SQL,
  // no functions with side effects from triggers or views in the file.
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  // A statement's plan is fixed when it is prepared, never redone for the
  // values bound to it: without this, a statement with `LIKE ?` is parsed
  // and planned again at every run (to try the LIKE prefix optimization on
  // the bound pattern), which made queueing a webhook event (one such
  // statement) cost ~40 µs with no webhook at all.
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, nullptr);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  // Memory-mapped reads: a page read is a memory access instead of a
  // pread() system call, which dominates small reads on virtual machines.
  // Capped at 128 MiB: mapped pages count as the process's resident
  // memory, and a scan (loading the lineage graph) would otherwise map the
  // whole file; the rest is read into the page cache (cache_size, per
  // connection).
  std::string pragmas =
      "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; "
      "PRAGMA mmap_size = 134217728; PRAGMA cache_size = -16384;";
  if (!read_only) pragmas += "PRAGMA journal_mode = WAL;";
  if (absl::Status s = conn->Exec(pragmas); !s.ok()) return s;
  return conn;
}

SqliteConnection::~SqliteConnection() {
  cache_.clear();
  sqlite3_close(db_);
}

absl::StatusOr<Statement*> SqliteConnection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_, "sqlite prepare");
  auto owned = std::make_unique<SqliteStatement>(db_, stmt);
  Statement* raw = owned.get();
  cache_.emplace(std::string(sql), std::move(owned));
  return raw;
}

int64_t SqliteConnection::Changes() { return sqlite3_changes64(db_); }

void SqliteConnection::ResetAll() {
  for (auto& [sql, stmt] : cache_) stmt->Reset();
}

absl::Status SqliteConnection::Exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);
  return SqliteStatus(rc, db_, "sqlite exec");
}

absl::Status SqliteConnection::Begin(TxnMode mode) {
  ASSIGN_OR_RETURN(Statement * begin,
                   Prepare(mode == TxnMode::kRead ? "BEGIN" : "BEGIN IMMEDIATE"));
  return begin->Run();
}

absl::Status SqliteConnection::Commit() {
  ResetAll();
  ASSIGN_OR_RETURN(Statement * commit, Prepare("COMMIT"));
  return commit->Run();
}

void SqliteConnection::Rollback() {
  ResetAll();
  Exec("ROLLBACK").IgnoreError();
}

const Dialect& SqliteConnection::dialect() const { return SqliteDialect(); }

}  // namespace catalog::store

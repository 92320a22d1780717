// The PostgreSQL engine's connections (db.h) over libpq, and the single
// mapping from PostgreSQL errors (SQLSTATE) to absl::Status.
//
//   ASSIGN_OR_RETURN(auto db, PgConnection::Open("postgres://catalog@db/catalog", {}));
//
// Statements are prepared once per connection (server-side, by name) with
// the store's `?`/`?N` parameters numbered `$N`; parameters are sent as
// text, blobs as binary; results come back as text. A connection that broke
// is re-established at the next transaction's start, when no statement of
// the old session can be in use.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/db.h"

struct pg_conn;
struct pg_result;

namespace catalog::store {

// How a session guards the catalog against a stuck peer: no statement runs
// longer than `statement_timeout_ms`, no lock is waited for longer than
// `lock_timeout_ms`, and a session idle inside a transaction longer than
// `idle_in_transaction_timeout_ms` is ended by the server (its locks freed).
struct PgSettings {
  int statement_timeout_ms = 30000;
  int lock_timeout_ms = 10000;
  int idle_in_transaction_timeout_ms = 60000;
  int connect_timeout_s = 5;
};

// The store's `?` and `?N` parameters as PostgreSQL's `$N` (a bare `?` is
// one more than the highest number before it, as in SQLite), outside
// quoted strings and identifiers; `*count` is the highest number.
std::string NumberParameters(std::string_view sql, int* count);

// FAILED_PRECONDITION when `url` names a password (it would show in
// process lists, logs and configuration dumps: PGPASSWORD, ~/.pgpass or
// passfile= carry it), INVALID_ARGUMENT when libpq cannot parse it.
absl::Status CheckStoreUrl(std::string_view url);
// `url` with nothing secret in it, for logs and /readyz: user, host, port,
// database and sslmode.
std::string RedactedStoreUrl(std::string_view url);

class PgConnection;

class PgStatement final : public Statement {
 public:
  PgStatement(PgConnection* conn, std::string name, int params);
  ~PgStatement() override;
  PgStatement(const PgStatement&) = delete;
  PgStatement& operator=(const PgStatement&) = delete;

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
  absl::Status Execute();
  void Rewind();
  void SetParam(int index, std::string_view value, bool binary, bool null);

  PgConnection* conn_;
  std::string name_;
  std::vector<std::string> values_;
  std::vector<char> null_;
  std::vector<int> binary_;
  pg_result* result_ = nullptr;
  int row_ = -1;
  int rows_ = 0;
  mutable std::vector<std::string> blobs_;  // decoded bytea of the current row
};

class PgConnection final : public Connection {
 public:
  static absl::StatusOr<std::unique_ptr<PgConnection>> Open(const std::string& url,
                                                            const PgSettings& settings);
  ~PgConnection() override;

  absl::StatusOr<Statement*> Prepare(std::string_view sql) override;
  absl::Status Exec(std::string_view sql) override;
  // kWrite takes the catalog head's row lock (meta 'catalog_revision' FOR
  // UPDATE) first, so writers from every replica commit one at a time, in
  // revision order; kRead is a read-only REPEATABLE READ snapshot; kSchema
  // holds an advisory lock that every migrating process takes.
  absl::Status Begin(TxnMode mode) override;
  absl::Status Commit() override;
  void Rollback() override;
  int64_t Changes() override { return changes_; }
  const Dialect& dialect() const override;

  pg_conn* raw() { return conn_; }

 private:
  friend class PgStatement;
  PgConnection(pg_conn* conn, std::string url, PgSettings settings)
      : conn_(conn), url_(std::move(url)), settings_(settings) {}
  // Re-establishes a broken session; its prepared statements are gone.
  absl::Status Reconnect();
  absl::Status Configure();
  // Runs `sql` with the simple protocol; fails on any error result.
  absl::Status Simple(const char* sql, std::string* command_status = nullptr);

  pg_conn* conn_;
  std::string url_;
  PgSettings settings_;
  std::map<std::string, std::unique_ptr<PgStatement>, std::less<>> cache_;
  int next_name_ = 0;
  int64_t changes_ = 0;
};

// PostgreSQL's SQL where it differs from SQLite's (dialect_postgres.cc).
const Dialect& PostgresDialect();

}  // namespace catalog::store

// The SQL connection the store's code is written against, implemented once
// per engine: SQLite (sqlite.h, the embedded default) and PostgreSQL
// (postgres.h, for replicas sharing one database). What differs between the
// engines beyond a connection — full-text search, a few expressions, how a
// write transaction serializes — is the engine's Dialect (dialect.h).
//
//   ASSIGN_OR_RETURN(Statement * s, db.Prepare("SELECT revision FROM datasets WHERE id = ?"));
//   s->Bind(1, id);
//   ASSIGN_OR_RETURN(bool row, s->Step());
//
// SQL is written once, in the subset both engines accept: parameters as `?`
// or `?N` (PostgreSQL's connection numbers them `$N`), upserts with a
// conflict target, CASE for the two-argument max/min. A Connection is used
// by one thread at a time; the store hands them out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace catalog::store {

class Dialect;

class Statement {
 public:
  virtual ~Statement() = default;

  // Parameters are 1-based.
  virtual void Bind(int index, int64_t value) = 0;
  virtual void Bind(int index, std::string_view value) = 0;
  virtual void BindBlob(int index, std::string_view bytes) = 0;
  virtual void BindDouble(int index, double value) = 0;
  virtual void BindNull(int index) = 0;

  // Returns true when a row is available, false when done.
  virtual absl::StatusOr<bool> Step() = 0;
  // Steps to completion, ignoring rows, then rewinds (keeping the bindings)
  // so the statement can be run again.
  virtual absl::Status Run() = 0;

  virtual int64_t Int(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  virtual std::string Blob(int column) const = 0;
  // The column's bytes, valid until the statement steps or resets.
  virtual std::string_view BlobView(int column) const = 0;
  virtual bool IsNull(int column) const = 0;
  virtual double Double(int column) const = 0;

  // Clears bindings and rewinds; called automatically by Connection::Prepare.
  virtual void Reset() = 0;
};

// What a transaction is for, which decides how it begins.
enum class TxnMode {
  kRead,    // one consistent view of the catalog, no writes
  kWrite,   // the catalog's single writer: serialized with every other write
  kSchema,  // migrations: serialized with other processes migrating
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Returns a cached prepared statement, reset and ready to bind. The
  // pointer stays valid for the connection's lifetime; SQL is a fixed
  // string from the store, never built from user input.
  virtual absl::StatusOr<Statement*> Prepare(std::string_view sql) = 0;

  // Runs one or more statements without parameters or results (DDL).
  virtual absl::Status Exec(std::string_view sql) = 0;

  virtual absl::Status Begin(TxnMode mode) = 0;
  virtual absl::Status Commit() = 0;
  virtual void Rollback() = 0;

  // Rows changed by the last INSERT, UPDATE or DELETE.
  virtual int64_t Changes() = 0;

  virtual const Dialect& dialect() const = 0;
};

// Begins a transaction on construction and rolls it back on destruction
// unless Commit() succeeded.
class Transaction {
 public:
  static absl::StatusOr<Transaction> Begin(Connection& db, TxnMode mode);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  absl::Status Commit();

 private:
  explicit Transaction(Connection* db) : db_(db) {}
  Connection* db_;
};

}  // namespace catalog::store

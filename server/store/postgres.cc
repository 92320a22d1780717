#include "server/store/postgres.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>

#include "lib/util/pg_conninfo.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::store {
namespace {


bool Starts(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The one place PostgreSQL errors become statuses, by SQLSTATE class:
// integrity violations -> FAILED_PRECONDITION; a lost connection, a
// shutdown, a lock or statement timeout, a deadlock or serialization
// failure -> UNAVAILABLE (retry, here or on another replica); out of disk
// or memory -> RESOURCE_EXHAUSTED; corruption -> DATA_LOSS; the rest
// INTERNAL.
absl::Status PgError(std::string_view sqlstate, std::string_view context,
                     std::string_view message) {
  std::string text = StrCat(context, ": ", message);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (Starts(sqlstate, "23")) return absl::FailedPreconditionError(text);
  if (Starts(sqlstate, "08") || Starts(sqlstate, "57P") || sqlstate == "55P03" ||
      sqlstate == "57014" || sqlstate == "25P03" || sqlstate == "40001" ||
      sqlstate == "40P01" || sqlstate.empty()) {
    return absl::UnavailableError(StrCat(text, " (PostgreSQL)"));
  }
  if (Starts(sqlstate, "53")) return absl::ResourceExhaustedError(text);
  if (Starts(sqlstate, "XX001") || Starts(sqlstate, "XX002")) return absl::DataLossError(text);
  return absl::InternalError(text);
}

// The status of `result` (which may be null: the connection failed).
absl::Status ResultStatus(PGconn* conn, const PGresult* result, std::string_view context) {
  ExecStatusType st = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return absl::OkStatus();
  const char* state = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* message = result != nullptr && *PQresultErrorMessage(result) != '\0'
                            ? PQresultErrorMessage(result)
                            : PQerrorMessage(conn);
  // No SQLSTATE: the connection itself failed.
  return PgError(state == nullptr ? "" : state, context, message);
}

void IgnoreNotice(void*, const char*) {}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

}  // namespace

std::string NumberParameters(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int highest = 0;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote != 0) {
      out.push_back(c);
      if (c == quote) quote = 0;  // a doubled quote reopens at once
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
      continue;
    }
    if (c != '?') {
      out.push_back(c);
      continue;
    }
    size_t j = i + 1;
    int n = 0;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
    if (j == i + 1) n = highest + 1;
    highest = std::max(highest, n);
    out += StrCat("$", n);
    i = j - 1;
  }
  *count = highest;
  return out;
}

absl::Status CheckStoreUrl(std::string_view url) {
  absl::StatusOr<bool> password = ConninfoHasPassword(url);
  if (!password.ok()) {
    return absl::InvalidArgumentError(StrCat("store: ", MessageOf(password.status())));
  }
  if (*password) {
    return absl::FailedPreconditionError(
        "store: the URL holds a password, which would show in process lists, logs and "
        "configuration dumps; give it in PGPASSWORD, ~/.pgpass or a passfile= file");
  }
  return absl::OkStatus();
}

std::string RedactedStoreUrl(std::string_view url) { return RedactedConninfo(url); }

PgStatement::PgStatement(PgConnection* conn, std::string name, int params)
    : conn_(conn), name_(std::move(name)), values_(params), null_(params, 1), binary_(params, 0) {}

PgStatement::~PgStatement() { PQclear(result_); }

void PgStatement::SetParam(int index, std::string_view value, bool binary, bool null) {
  Rewind();
  if (index < 1 || index > static_cast<int>(values_.size())) return;
  values_[index - 1].assign(value);
  binary_[index - 1] = binary ? 1 : 0;
  null_[index - 1] = null ? 1 : 0;
}

void PgStatement::Bind(int index, int64_t value) { SetParam(index, StrCat(value), false, false); }
void PgStatement::Bind(int index, std::string_view value) { SetParam(index, value, false, false); }
void PgStatement::BindBlob(int index, std::string_view bytes) { SetParam(index, bytes, true, false); }
void PgStatement::BindNull(int index) { SetParam(index, {}, false, true); }
void PgStatement::BindDouble(int index, double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.17g", value);  // round-trips every double
  SetParam(index, text, false, false);
}

absl::Status PgStatement::Execute() {
  const int n = static_cast<int>(values_.size());
  std::vector<const char*> values(n);
  std::vector<int> lengths(n);
  for (int i = 0; i < n; ++i) {
    values[i] = null_[i] ? nullptr : values_[i].c_str();
    lengths[i] = static_cast<int>(values_[i].size());
  }
  PGresult* result = PQexecPrepared(conn_->conn_, name_.c_str(), n, values.data(), lengths.data(),
                                    binary_.data(), /*resultFormat=*/0);
  absl::Status status = ResultStatus(conn_->conn_, result, "postgres");
  if (!status.ok()) {
    PQclear(result);
    return status;
  }
  result_ = result;
  rows_ = PQntuples(result);
  row_ = -1;
  const char* tuples = PQcmdTuples(result);
  conn_->changes_ = tuples != nullptr && *tuples != '\0' ? std::strtoll(tuples, nullptr, 10) : 0;
  return absl::OkStatus();
}

absl::StatusOr<bool> PgStatement::Step() {
  if (result_ == nullptr) RETURN_IF_ERROR(Execute());
  blobs_.clear();
  if (row_ + 1 < rows_) {
    ++row_;
    return true;
  }
  row_ = rows_;
  return false;
}

absl::Status PgStatement::Run() {
  Rewind();
  absl::Status s = Execute();
  Rewind();
  return s;
}

int64_t PgStatement::Int(int column) const {
  if (row_ < 0 || row_ >= rows_ || PQgetisnull(result_, row_, column)) return 0;
  const char* v = PQgetvalue(result_, row_, column);
  if (v[0] == 't' && v[1] == '\0') return 1;  // boolean
  if (v[0] == 'f' && v[1] == '\0') return 0;
  return std::strtoll(v, nullptr, 10);
}

double PgStatement::Double(int column) const {
  if (row_ < 0 || row_ >= rows_ || PQgetisnull(result_, row_, column)) return 0;
  return std::strtod(PQgetvalue(result_, row_, column), nullptr);
}

std::string PgStatement::Text(int column) const {
  if (row_ < 0 || row_ >= rows_) return "";
  return std::string(PQgetvalue(result_, row_, column),
                     static_cast<size_t>(PQgetlength(result_, row_, column)));
}

std::string_view PgStatement::BlobView(int column) const {
  if (row_ < 0 || row_ >= rows_ || PQgetisnull(result_, row_, column)) return {};
  // Sized once per row, so a view of one column outlives reading another.
  if (blobs_.empty()) blobs_.resize(PQnfields(result_));
  if (static_cast<size_t>(column) >= blobs_.size()) return {};
  std::string& out = blobs_[column];
  // bytea as text is "\x" and two hex digits a byte (bytea_output = hex).
  const char* v = PQgetvalue(result_, row_, column);
  size_t len = static_cast<size_t>(PQgetlength(result_, row_, column));
  out.clear();
  if (len >= 2 && v[0] == '\\' && v[1] == 'x') {
    out.reserve((len - 2) / 2);
    for (size_t i = 2; i + 1 < len; i += 2) {
      out.push_back(static_cast<char>(HexValue(v[i]) << 4 | HexValue(v[i + 1])));
    }
  }
  return out;
}

std::string PgStatement::Blob(int column) const { return std::string(BlobView(column)); }

bool PgStatement::IsNull(int column) const {
  if (row_ < 0 || row_ >= rows_) return true;
  return PQgetisnull(result_, row_, column) != 0;
}

void PgStatement::Rewind() {
  PQclear(result_);
  result_ = nullptr;
  row_ = -1;
  rows_ = 0;
  blobs_.clear();
}

void PgStatement::Reset() {
  Rewind();
  for (size_t i = 0; i < values_.size(); ++i) {
    values_[i].clear();
    null_[i] = 1;
    binary_[i] = 0;
  }
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url,
                                                                 const PgSettings& settings) {
  RETURN_IF_ERROR(CheckStoreUrl(url));
  // TCP keepalives and a user timeout find a server that went silent (a
  // network partition) in seconds, not the kernel's hours; values the URL
  // gives win (expand_dbname applies them after these).
  const char* keywords[] = {"connect_timeout", "application_name", "keepalives_idle",
                            "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                            "dbname", nullptr};
  std::string timeout = StrCat(settings.connect_timeout_s);
  const char* values[] = {timeout.c_str(), "catalogd", "5", "2", "3", "15000", url.c_str(),
                          nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  std::unique_ptr<PgConnection> out(new PgConnection(conn, url, settings));
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    return absl::UnavailableError(StrCat("connect to ", RedactedStoreUrl(url), ": ",
                                         conn != nullptr ? PQerrorMessage(conn) : "out of memory"));
  }
  RETURN_IF_ERROR(out->Configure());
  return out;
}

PgConnection::~PgConnection() {
  cache_.clear();
  PQfinish(conn_);
}

absl::Status PgConnection::Configure() {
  PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
  return Simple(StrCat("SET statement_timeout = ", settings_.statement_timeout_ms,
                       "; SET lock_timeout = ", settings_.lock_timeout_ms,
                       "; SET idle_in_transaction_session_timeout = ",
                       settings_.idle_in_transaction_timeout_ms,
                       "; SET client_min_messages = warning; SET bytea_output = hex")
                    .c_str());
}

absl::Status PgConnection::Reconnect() {
  cache_.clear();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return absl::UnavailableError(
        StrCat("connect to ", RedactedStoreUrl(url_), ": ", PQerrorMessage(conn_)));
  }
  return Configure();
}

absl::Status PgConnection::Simple(const char* sql, std::string* command_status) {
  PGresult* result = PQexec(conn_, sql);
  absl::Status s = ResultStatus(conn_, result, "postgres");
  if (s.ok() && command_status != nullptr) *command_status = PQcmdStatus(result);
  PQclear(result);
  return s;
}

absl::StatusOr<Statement*> PgConnection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  int params = 0;
  std::string numbered = NumberParameters(sql, &params);
  std::string name = StrCat("s", ++next_name_);
  PGresult* result = PQprepare(conn_, name.c_str(), numbered.c_str(), 0, nullptr);
  absl::Status s = ResultStatus(conn_, result, "postgres prepare");
  PQclear(result);
  if (!s.ok()) return s;
  auto owned = std::make_unique<PgStatement>(this, std::move(name), params);
  PgStatement* raw = owned.get();
  cache_.emplace(std::string(sql), std::move(owned));
  return raw;
}

absl::Status PgConnection::Exec(std::string_view sql) { return Simple(std::string(sql).c_str()); }

absl::Status PgConnection::Begin(TxnMode mode) {
  if (PQstatus(conn_) != CONNECTION_OK) RETURN_IF_ERROR(Reconnect());
  for (auto& [sql, stmt] : cache_) stmt->Reset();
  const char* sql = "";
  switch (mode) {
    case TxnMode::kRead:
      sql = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
      break;
    case TxnMode::kWrite:
      // READ COMMITTED: after the head's lock is granted, every statement
      // sees what the writer before committed.
      sql = "BEGIN ISOLATION LEVEL READ COMMITTED; "
            "SELECT value FROM meta WHERE key = 'catalog_revision' FOR UPDATE";
      break;
    case TxnMode::kSchema:
      // The key is any number every catalogd agrees on.
      sql = "BEGIN ISOLATION LEVEL READ COMMITTED; "
            "SELECT pg_advisory_xact_lock(7809653372420453476)";
      break;
  }
  absl::Status s = Simple(sql);
  if (!s.ok()) {
    Simple("ROLLBACK").IgnoreError();
    // A session the server ended (idle timeout, restart) shows only now.
    if (PQstatus(conn_) != CONNECTION_OK && Reconnect().ok()) {
      s = Simple(sql);
      if (!s.ok()) Simple("ROLLBACK").IgnoreError();
    }
  }
  return s;
}

absl::Status PgConnection::Commit() {
  std::string status;
  RETURN_IF_ERROR(Simple("COMMIT", &status));
  // A transaction that had failed ends in ROLLBACK, not an error.
  if (status != "COMMIT") return absl::AbortedError("postgres: the transaction was rolled back");
  return absl::OkStatus();
}

void PgConnection::Rollback() {
  if (PQstatus(conn_) == CONNECTION_OK) Simple("ROLLBACK").IgnoreError();
}

const Dialect& PgConnection::dialect() const { return PostgresDialect(); }

}  // namespace catalog::store

#include "server/store/migrations.h"

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/store/db.h"
#include "server/store/dialect.h"
#include "server/store/store.h"

namespace catalog::store {

const char kSchemaMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')))";

absl::StatusOr<int> CurrentSchemaVersion(Connection& db) {
  RETURN_IF_ERROR(db.Exec(db.dialect().schema_migrations_table()));
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT COALESCE(MAX(version), 0) FROM "
                              "schema_migrations"));
  ASSIGN_OR_RETURN(bool row, s->Step());
  int version = row ? static_cast<int>(s->Int(0)) : 0;
  s->Reset();
  return version;
}

absl::StatusOr<std::vector<Migration>> Migrate(
    Connection& db, const std::vector<Migration>& migrations, bool dry_run) {
  ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, TxnMode::kSchema));
  ASSIGN_OR_RETURN(int current, CurrentSchemaVersion(db));
  int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    return absl::FailedPreconditionError(
        StrCat("the database is at schema version ", current,
               ", newer than this binary knows (", newest,
               "); run a newer catalogd"));
  }
  std::vector<Migration> pending;
  for (const Migration& m : migrations) {
    if (m.version > current) pending.push_back(m);
  }
  if (dry_run || pending.empty()) return pending;
  for (const Migration& m : pending) {
    absl::Status applied = db.Exec(m.sql);
    if (!applied.ok()) {
      return absl::Status(applied.code(), StrCat("migration ", m.name, ": ",
                                                 MessageOf(applied)));
    }
    ASSIGN_OR_RETURN(Statement * record,
                     db.Prepare("INSERT INTO schema_migrations(version, name, applied_at) "
                                "VALUES (?, ?, ?)"));
    record->Bind(1, static_cast<int64_t>(m.version));
    record->Bind(2, m.name);
    record->Bind(3, NowRfc3339());
    RETURN_IF_ERROR(record->Run());
  }
  RETURN_IF_ERROR(txn.Commit());
  return pending;
}

}  // namespace catalog::store

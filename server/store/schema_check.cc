#include "server/store/schema_check.h"

#include <map>
#include <memory>
#include <string>

#include "lib/util/printable.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/store/migrations.h"

namespace catalog::store {
namespace {

// type + " " + name -> SQL text, for every object not SQLite's own.
absl::StatusOr<std::map<std::string, std::string>> Objects(sqlite3* db) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT type, name, coalesce(sql, '') FROM sqlite_master "
                         "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
                         -1, &s, nullptr) != SQLITE_OK) {
    return absl::DataLossError(StrCat("cannot read the schema: ", sqlite3_errmsg(db)));
  }
  std::map<std::string, std::string> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    auto text = [&](int i) {
      const unsigned char* t = sqlite3_column_text(s, i);
      return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t));
    };
    out[text(0) + " " + text(1)] = text(2);
  }
  sqlite3_finalize(s);
  return out;
}

absl::StatusOr<int> RecordedVersion(sqlite3* db) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", -1,
                         &s, nullptr) != SQLITE_OK) {
    return absl::FailedPreconditionError("not a catalogd database (no schema_migrations)");
  }
  int version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
  sqlite3_finalize(s);
  return version;
}

// The objects a database built by the migrations up to `version` has.
absl::StatusOr<std::map<std::string, std::string>> Expected(int version) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, sqlite3_close);
  if (rc != SQLITE_OK) return absl::ResourceExhaustedError("cannot open an in-memory database");
  auto run = [&](const std::string& name, const char* sql) -> absl::Status {
    char* error = nullptr;
    if (sqlite3_exec(db.get(), sql, nullptr, nullptr, &error) == SQLITE_OK) {
      return absl::OkStatus();
    }
    absl::Status s = absl::InternalError(StrCat(name, ": ", error ? error : ""));
    sqlite3_free(error);
    return s;
  };
  RETURN_IF_ERROR(run("schema_migrations", kSchemaMigrationsTable));
  for (const Migration& m : EmbeddedMigrations()) {
    if (m.version > version) break;
    RETURN_IF_ERROR(run(StrCat("migration ", m.name), m.sql.c_str()));
  }
  return Objects(db.get());
}

}  // namespace

absl::Status VerifySchema(sqlite3* db) {
  ASSIGN_OR_RETURN(int version, RecordedVersion(db));
  ASSIGN_OR_RETURN(auto want, Expected(version));
  ASSIGN_OR_RETURN(auto have, Objects(db));
  auto refuse = [](const std::string& what, const std::string& object) {
    return absl::FailedPreconditionError(
        StrCat("the database schema is not catalogd's: ", what, " ", Printable(object),
               " (a trigger, view or change someone added to the file would run inside "
               "catalogd's transactions)"));
  };
  for (const auto& [object, sql] : have) {
    auto it = want.find(object);
    if (it == want.end()) return refuse("extra", object);
    if (it->second != sql) return refuse("altered", object);
  }
  for (const auto& [object, sql] : want) {
    if (!have.contains(object)) return refuse("missing", object);
  }
  return absl::OkStatus();
}

}  // namespace catalog::store

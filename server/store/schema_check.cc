#include "server/store/schema_check.h"

#include <map>
#include <string>

#include "lib/util/printable.h"
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

}  // namespace

absl::Status VerifySchema(sqlite3* db) {
  absl::StatusOr<int> version = RecordedVersion(db);
  if (!version.ok()) return version.status();
  sqlite3* expected = nullptr;
  if (sqlite3_open_v2(":memory:", &expected, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(expected);
    return absl::ResourceExhaustedError("cannot open an in-memory database");
  }
  absl::Status built = absl::OkStatus();
  if (sqlite3_exec(expected, kSchemaMigrationsTable, nullptr, nullptr, nullptr) != SQLITE_OK) {
    built = absl::InternalError("cannot create schema_migrations");
  }
  for (const Migration& m : EmbeddedMigrations()) {
    if (!built.ok()) break;
    if (m.version > *version) break;
    char* error = nullptr;
    if (sqlite3_exec(expected, m.sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      built = absl::InternalError(StrCat("migration ", m.name, ": ", error ? error : ""));
      sqlite3_free(error);
      break;
    }
  }
  absl::StatusOr<std::map<std::string, std::string>> want =
      built.ok() ? Objects(expected) : absl::StatusOr<std::map<std::string, std::string>>(built);
  sqlite3_close(expected);
  if (!want.ok()) return want.status();
  absl::StatusOr<std::map<std::string, std::string>> have = Objects(db);
  if (!have.ok()) return have.status();
  auto refuse = [](const std::string& what, const std::string& object) {
    return absl::FailedPreconditionError(
        StrCat("the database schema is not catalogd's: ", what, " ", Printable(object),
               " (a trigger, view or change someone added to the file would run inside "
               "catalogd's transactions)"));
  };
  for (const auto& [object, sql] : *have) {
    auto it = want->find(object);
    if (it == want->end()) return refuse("extra", object);
    if (it->second != sql) return refuse("altered", object);
  }
  for (const auto& [object, sql] : *want) {
    if (have->find(object) == have->end()) return refuse("missing", object);
  }
  return absl::OkStatus();
}

}  // namespace catalog::store

// A SQLite file's catalog (sqlite_schema and PRAGMA table_xinfo), opened
// read-only.
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <memory>

#include "client/import_source.h"
#include "lib/util/strings.h"

namespace catalog::client {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtCloser>;

std::string Column(sqlite3_stmt* s, int col) {
  const unsigned char* text = sqlite3_column_text(s, col);
  return text == nullptr ? "" : reinterpret_cast<const char*>(text);
}

absl::Status Failed(sqlite3* db, std::string_view what) {
  return absl::UnavailableError(StrCat("SQLite: ", what, ": ", sqlite3_errmsg(db)));
}

}  // namespace

absl::StatusOr<ImportedCatalog> ReadSqlite(const std::string& path, const std::string& ns) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::canonical(path, ec);
  if (ec) return absl::NotFoundError(StrCat("SQLite: ", path, ": ", ec.message()));
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(absolute.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  if (rc != SQLITE_OK) return Failed(db.get(), StrCat("opening ", path));
  // Reading the catalog runs no code from the file.
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);

  ImportedCatalog out;
  out.ns = ns.empty() ? "sqlite://" + absolute.string() : ns;
  out.prefixes.push_back("");
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db.get(),
                         "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') "
                         "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                         -1, &s, nullptr) != SQLITE_OK) {
    return Failed(db.get(), "reading sqlite_schema");
  }
  Stmt tables(s);
  while ((rc = sqlite3_step(tables.get())) == SQLITE_ROW) {
    out.tables.push_back({.key = {out.ns, Column(tables.get(), 0)},
                          .kind = Column(tables.get(), 1)});
  }
  if (rc != SQLITE_DONE) return Failed(db.get(), "reading sqlite_schema");
  for (ImportedTable& table : out.tables) {
    if (sqlite3_prepare_v2(db.get(),
                           "SELECT name, type, \"notnull\", pk, hidden FROM "
                           "pragma_table_xinfo(?1)",
                           -1, &s, nullptr) != SQLITE_OK) {
      return Failed(db.get(), StrCat("reading the columns of ", table.key.name));
    }
    Stmt columns(s);
    sqlite3_bind_text(columns.get(), 1, table.key.name.c_str(), -1, SQLITE_TRANSIENT);
    std::map<int, std::string> key;
    while ((rc = sqlite3_step(columns.get())) == SQLITE_ROW) {
      // Hidden columns of virtual tables are not the table's data.
      if (sqlite3_column_int(columns.get(), 4) == 1) continue;
      std::string name = Column(columns.get(), 0);
      std::string type = Column(columns.get(), 1);
      int pk = sqlite3_column_int(columns.get(), 3);
      table.fields.push_back({.name = name,
                              .type = type.empty() ? "any" : type,
                              .nullable = sqlite3_column_int(columns.get(), 2) == 0});
      if (pk > 0) key[pk] = name;
    }
    if (rc != SQLITE_DONE) return Failed(db.get(), StrCat("reading the columns of ", table.key.name));
    for (auto& [position, column] : key) table.primary_key.push_back(column);
    // SQLite lets a primary key hold NULL (for compatibility), except an
    // INTEGER PRIMARY KEY, which is the rowid.
    if (key.size() == 1) {
      for (Field& f : table.fields) {
        std::string upper = f.type;
        for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (f.name == key.begin()->second && upper == "INTEGER") f.nullable = false;
      }
    }
  }
  return out;
}

}  // namespace catalog::client

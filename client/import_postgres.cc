// PostgreSQL's catalog (pg_catalog), read through libpq.
#include <libpq-fe.h>

#include <map>
#include <memory>

#include "lib/util/pg_conninfo.h"
#include "client/import_source.h"
#include "lib/util/strings.h"

namespace catalog::client {
namespace {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};

// Every relation a user would call a table, with its columns in order. A
// partition is left out: its rows are its parent's.
constexpr char kColumnsSql[] = R"sql(
SELECT n.nspname, c.relname, c.relkind,
       coalesce(obj_description(c.oid, 'pg_class'), ''),
       a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       coalesce(col_description(c.oid, a.attnum), ''),
       coalesce(array_position(i.indkey::int2[], a.attnum), -1)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
ORDER BY n.nspname, c.relname, a.attnum
)sql";

std::string KindName(char relkind) {
  switch (relkind) {
    case 'v': return "view";
    case 'm': return "materialized view";
    case 'f': return "foreign table";
    default: return "table";
  }
}

// A text[] literal: each element double-quoted, '"' and '\' escaped.
std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ",";
    out += "\"";
    for (char ch : item) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += "\"";
  }
  return out + "}";
}

absl::Status RefusePasswordInUrl(const std::string& url) {
  absl::StatusOr<bool> password = ConninfoHasPassword(url);
  if (!password.ok()) {
    return absl::InvalidArgumentError(
        StrCat("the connection string: ", MessageOf(password.status())));
  }
  if (*password) {
    return absl::InvalidArgumentError(
        "the connection string holds a password; give it in PGPASSWORD or ~/.pgpass "
        "(or a certificate), so that it is not kept in shell history");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ImportedCatalog> ReadPostgres(const std::string& url,
                                             const std::vector<std::string>& schemas,
                                             const std::string& ns) {
  if (absl::Status refused = RefusePasswordInUrl(url); !refused.ok()) return refused;
  std::unique_ptr<PGconn, ConnCloser> conn(PQconnectdb(url.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn.get());
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return absl::UnavailableError(StrCat("PostgreSQL: ", message));
  }
  ImportedCatalog out;
  std::string db = PQdb(conn.get());
  std::string host = PQhost(conn.get());
  // A Unix socket is this machine.
  if (host.empty() || host.front() == '/') host = "localhost";
  out.ns = ns.empty() ? StrCat("postgres://", host, ":", PQport(conn.get())) : ns;
  if (schemas.empty()) {
    out.prefixes.push_back(db + ".");
  } else {
    for (const std::string& s : schemas) out.prefixes.push_back(StrCat(db, ".", s, "."));
  }

  std::string array = ArrayLiteral(schemas);
  const char* params[1] = {schemas.empty() ? nullptr : array.c_str()};
  std::unique_ptr<PGresult, ResultCloser> result(
      PQexecParams(conn.get(), kColumnsSql, 1, nullptr, params, nullptr, nullptr, 0));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    std::string message = PQresultErrorMessage(result.get());
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return absl::UnavailableError(StrCat("PostgreSQL: reading its catalog: ", message));
  }
  std::map<int, std::string> key;  // key position -> column, of the current table
  auto finish = [&] {
    if (out.tables.empty()) return;
    for (auto& [position, column] : key) out.tables.back().primary_key.push_back(column);
    key.clear();
  };
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    auto text = [&](int col) { return std::string(PQgetvalue(result.get(), row, col)); };
    DatasetKey dataset{out.ns, StrCat(db, ".", text(0), ".", text(1))};
    if (out.tables.empty() || out.tables.back().key != dataset) {
      finish();
      out.tables.push_back({.key = dataset,
                            .kind = KindName(text(2).front()),
                            .description = text(3)});
    }
    ImportedTable& table = out.tables.back();
    table.fields.push_back({.name = text(4),
                            .type = text(5),
                            .nullable = text(6) != "t",
                            .description = text(7)});
    // The key's position (int2vector subscripts start at 0), -1 for none.
    if (int position = std::stoi(text(8)); position >= 0) key[position] = text(4);
  }
  finish();
  return out;
}

}  // namespace catalog::client

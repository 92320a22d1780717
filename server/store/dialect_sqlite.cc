// SQLite's spelling of what the engines do differently (dialect.h): an FTS5
// index for search, json_array for the contract column.
#include <cstddef>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/store/dialect.h"
#include "server/store/migrations.h"
#include "server/store/sqlite.h"

namespace catalog::store {
namespace {

// An FTS5 query: each word quoted (so FTS5 operators in user text are
// plain words), the last one a prefix.
std::string FtsQuery(const std::vector<std::string>& words) {
  std::string query;
  for (size_t i = 0; i < words.size(); ++i) {
    query += StrCat(i ? " " : "", "\"", words[i], "\"", i + 1 == words.size() ? "*" : "");
  }
  return query;
}

std::string TierQuery(const std::vector<std::string>& words, SearchTier tier) {
  std::string fts = FtsQuery(words);
  switch (tier) {
    case SearchTier::kName:
      return StrCat("{key} : (", fts, ")");
    case SearchTier::kDescription:
      return StrCat("({key description tags} : (", fts, ")) NOT ({key} : (", fts, "))");
    case SearchTier::kFields:
      break;
  }
  return StrCat("(", fts, ") NOT ({key description tags} : (", fts, "))");
}

class Sqlite final : public Dialect {
 public:
  std::string_view name() const override { return "SQLite"; }

  const std::vector<Migration>& migrations() const override { return EmbeddedMigrations(); }
  std::string_view schema_migrations_table() const override { return kSchemaMigrationsTable; }

  // By id SQLite reads the table (the rowid), so the index is named.
  std::string_view dataset_keys_source() const override {
    return "datasets INDEXED BY datasets_keys";
  }

  std::string_view contract_column() const override {
    return "(SELECT json_array(b.contract_id, c.version, c.status, b.object) "
           "FROM contract_bindings b JOIN contracts c ON c.contract_id = "
           "b.contract_id WHERE b.dataset_namespace = datasets.namespace AND "
           "b.dataset_name = datasets.name ORDER BY c.seq DESC LIMIT 1)";
  }

  // An INTEGER PRIMARY KEY takes one past the largest by itself.
  absl::Status ContinueIds(Connection&) const override { return absl::OkStatus(); }

  absl::Status RecordChange(Connection&, const Change&) const override {
    return absl::OkStatus();
  }
  absl::StatusOr<int64_t> PruneChanges(Connection&, int64_t, int) const override { return 0; }
  absl::Status ReadChanges(Connection&, int64_t, int,
                           std::vector<std::pair<int64_t, std::string>>*) const override {
    return absl::OkStatus();
  }

  // A dataset's search row is queued in `temp.search_pending` (one row per
  // dataset id; a row without a key deletes) and written to the FTS5 index
  // once, by FlushSearchRows just before the transaction commits. FTS5
  // moves its pending terms into a new index segment at every statement
  // savepoint SQLite opens once the index was written in a transaction,
  // and each upsert opens one: writing search rows as datasets were written
  // made one segment per dataset, and merging them cost a quarter of a bulk
  // load. The queue is an ordinary table in the same transaction, so a
  // rolled-back savepoint or transaction drops its queued rows with it.
  absl::Status PrepareWriter(Connection& writer) const override {
    return writer.Exec(
        "PRAGMA temp_store = MEMORY; "
        "CREATE TEMP TABLE search_pending(rowid INTEGER PRIMARY KEY, key TEXT, "
        "description TEXT, fields TEXT, tags TEXT)");
  }

  absl::Status PutSearchRow(Connection& db, int64_t id, const SearchRow* row) const override {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("INSERT OR REPLACE INTO temp.search_pending(rowid, "
                                "key, description, fields, tags) VALUES (?, ?, ?, ?, ?)"));
    s->Bind(1, id);
    if (row == nullptr) {
      for (int i = 2; i <= 5; ++i) s->BindNull(i);
    } else {
      s->Bind(2, row->key);
      s->Bind(3, row->description);
      s->Bind(4, row->fields);
      s->Bind(5, row->tags);
    }
    return s->Run();
  }

  absl::Status FlushSearchRows(Connection& db) const override {
    for (const char* sql :
         {"DELETE FROM dataset_search WHERE rowid IN (SELECT rowid FROM temp.search_pending)",
          "INSERT INTO dataset_search(rowid, key, description, fields, tags) SELECT rowid, "
          "key, description, fields, tags FROM temp.search_pending WHERE key IS NOT NULL",
          "DELETE FROM temp.search_pending"}) {
      ASSIGN_OR_RETURN(Statement * s, db.Prepare(sql));
      RETURN_IF_ERROR(s->Run());
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> CountSearch(Connection& db, const std::vector<std::string>& words,
                                      SearchTier tier) const override {
    ASSIGN_OR_RETURN(Statement * count, db.Prepare("SELECT count(*) FROM dataset_search "
                                                   "WHERE dataset_search MATCH ?"));
    count->Bind(1, TierQuery(words, tier));
    ASSIGN_OR_RETURN(bool row, count->Step());
    int64_t n = row ? count->Int(0) : 0;
    count->Reset();
    return n;
  }

  // Each tier streams in rowid order with a LIMIT, so a common word costs
  // no more than a rare one; scoring every match (bm25) of a word found in
  // most of the catalog cost tens of ms.
  absl::Status Search(Connection& db, const std::vector<std::string>& words, SearchTier tier,
                      int64_t offset, int64_t limit, std::vector<int64_t>* ids) const override {
    ASSIGN_OR_RETURN(Statement * q,
                     db.Prepare("SELECT rowid FROM dataset_search WHERE dataset_search "
                                "MATCH ? ORDER BY rowid LIMIT ? OFFSET ?"));
    q->Bind(1, TierQuery(words, tier));
    q->Bind(2, limit);
    q->Bind(3, offset);
    while (true) {
      ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      ids->push_back(q->Int(0));
    }
    return absl::OkStatus();
  }
};

}  // namespace

const Dialect& SqliteDialect() {
  static const Sqlite dialect;
  return dialect;
}

}  // namespace catalog::store

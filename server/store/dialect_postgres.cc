// PostgreSQL's spelling of what the engines do differently (dialect.h):
// full-text search over tsvector columns with GIN indexes (one per search
// tier), json_build_array for the contract column.
#include <cctype>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/store/change_codec.h"
#include "server/store/dialect.h"
#include "server/store/migrations.h"
#include "server/store/postgres.h"

namespace catalog::store {
namespace {

// A tsquery: every word (letters and digits only, so nothing in it is an
// operator; lower-cased as the index is), the last one a prefix.
std::string TsQuery(const std::vector<std::string>& words) {
  std::string query;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string w = words[i];
    for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    query += StrCat(i ? " & " : "", "'", w, "'", i + 1 == words.size() ? ":*" : "");
  }
  return query;
}

// The WHERE clause of a tier: matching its columns and not a better tier's.
const char* TierCondition(SearchTier tier) {
  switch (tier) {
    case SearchTier::kName:
      return "name_words @@ to_tsquery('simple', ?1)";
    case SearchTier::kDescription:
      return "text_words @@ to_tsquery('simple', ?1) AND NOT name_words @@ "
             "to_tsquery('simple', ?1)";
    case SearchTier::kFields:
      break;
  }
  return "all_words @@ to_tsquery('simple', ?1) AND NOT text_words @@ to_tsquery('simple', ?1)";
}

class Postgres final : public Dialect {
 public:
  std::string_view name() const override { return "PostgreSQL"; }

  const std::vector<Migration>& migrations() const override {
    return EmbeddedPostgresMigrations();
  }
  std::string_view schema_migrations_table() const override {
    return "CREATE TABLE IF NOT EXISTS schema_migrations ("
           " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
  }

  // The planner picks the index-only scan itself.
  std::string_view dataset_keys_source() const override { return "datasets"; }

  std::string_view contract_column() const override {
    return "(SELECT json_build_array(b.contract_id, c.version, c.status, b.object)::text "
           "FROM contract_bindings b JOIN contracts c ON c.contract_id = "
           "b.contract_id WHERE b.dataset_namespace = datasets.namespace AND "
           "b.dataset_name = datasets.name ORDER BY c.seq DESC LIMIT 1)";
  }

  absl::Status PrepareWriter(Connection&) const override { return absl::OkStatus(); }

  // Identity columns count on in their own sequence, which rows inserted
  // with ids did not advance.
  absl::Status ContinueIds(Connection& db) const override {
    for (const char* table : {"datasets", "jobs", "contract_violations", "incidents", "webhooks",
                              "webhook_deliveries"}) {
      RETURN_IF_ERROR(db.Exec(StrCat("SELECT setval(pg_get_serial_sequence('", table,
                                     "', 'id'), coalesce(max(id), 0) + 1, false) FROM ",
                                     table)));
    }
    return absl::OkStatus();
  }

  // NOTIFY is delivered at commit, and only then: a replica woken by it
  // finds the row.
  absl::Status RecordChange(Connection& db, const Change& change) const override {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("INSERT INTO changes(revision, payload) VALUES (?, ?)"));
    s->Bind(1, change.catalog_revision);
    s->BindBlob(2, EncodeChange(change));
    RETURN_IF_ERROR(s->Run());
    ASSIGN_OR_RETURN(Statement * n, db.Prepare("SELECT pg_notify('catalog_changes', ?)"));
    n->Bind(1, StrCat(change.catalog_revision));
    return n->Run();
  }

  absl::StatusOr<int64_t> PruneChanges(Connection& db, int64_t revision,
                                       int limit) const override {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("DELETE FROM changes WHERE revision IN (SELECT revision FROM "
                                "changes WHERE revision <= ? ORDER BY revision LIMIT ?)"));
    s->Bind(1, revision);
    s->Bind(2, static_cast<int64_t>(limit));
    RETURN_IF_ERROR(s->Run());
    return db.Changes();
  }

  absl::Status ReadChanges(Connection& db, int64_t after, int limit,
                           std::vector<std::pair<int64_t, std::string>>* out) const override {
    ASSIGN_OR_RETURN(Statement * s, db.Prepare("SELECT revision, payload FROM changes WHERE "
                                               "revision > ? ORDER BY revision LIMIT ?"));
    s->Bind(1, after);
    s->Bind(2, static_cast<int64_t>(limit));
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out->emplace_back(s->Int(0), s->Blob(1));
    }
    return absl::OkStatus();
  }

  // Rows are written as datasets are: PostgreSQL has nothing like FTS5's
  // segment per savepoint (GIN's pending list takes the inserts).
  absl::Status PutSearchRow(Connection& db, int64_t id, const SearchRow* row) const override {
    if (row == nullptr) {
      ASSIGN_OR_RETURN(Statement * s, db.Prepare("DELETE FROM dataset_search WHERE id = ?"));
      s->Bind(1, id);
      return s->Run();
    }
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("INSERT INTO dataset_search(id, key, description, fields, tags) "
                                "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET "
                                "key = ?2, description = ?3, fields = ?4, tags = ?5"));
    s->Bind(1, id);
    s->Bind(2, row->key);
    s->Bind(3, row->description);
    s->Bind(4, row->fields);
    s->Bind(5, row->tags);
    return s->Run();
  }

  absl::Status FlushSearchRows(Connection&) const override { return absl::OkStatus(); }

  absl::StatusOr<int64_t> CountSearch(Connection& db, const std::vector<std::string>& words,
                                      SearchTier tier) const override {
    ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat("SELECT count(*) FROM dataset_search WHERE ",
                                                      TierCondition(tier))));
    s->Bind(1, TsQuery(words));
    ASSIGN_OR_RETURN(bool row, s->Step());
    int64_t n = row ? s->Int(0) : 0;
    s->Reset();
    return n;
  }

  absl::Status Search(Connection& db, const std::vector<std::string>& words, SearchTier tier,
                      int64_t offset, int64_t limit, std::vector<int64_t>* ids) const override {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare(StrCat("SELECT id FROM dataset_search WHERE ", TierCondition(tier),
                                       " ORDER BY id LIMIT ?2 OFFSET ?3")));
    s->Bind(1, TsQuery(words));
    s->Bind(2, limit);
    s->Bind(3, offset);
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      ids->push_back(s->Int(0));
    }
    return absl::OkStatus();
  }
};

}  // namespace

const Dialect& PostgresDialect() {
  static const Postgres dialect;
  return dialect;
}

}  // namespace catalog::store

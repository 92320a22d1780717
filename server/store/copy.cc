#include "server/store/copy.h"

#include <vector>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/store/migrations.h"
#include "server/store/postgres.h"
#include "server/store/spec_codec.h"
#include "server/store/sqlite.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

// How a column's values are carried: as integers, text or bytes.
enum class Kind { kInt, kText, kBlob, kReal };

struct Table {
  std::string name;
  std::vector<std::pair<std::string, Kind>> columns;
};

constexpr Kind I = Kind::kInt, T = Kind::kText, B = Kind::kBlob, R = Kind::kReal;

// Every catalog table, parents before children, with its columns as both
// engines' schemas (at this binary's version) have them. Not here: meta
// (copied key by key), schema_migrations (each side's own), the search
// index (rebuilt) and PostgreSQL's change feed (a new store starts its own).
const std::vector<Table>& Tables() {
  static const std::vector<Table> tables = {
      {"domains",
       {{"path", T}, {"parent", T}, {"spec", T}, {"revision", I}, {"created_at", T},
        {"updated_at", T}, {"updated_by", T}}},
      {"principals",
       {{"kind", T}, {"name", T}, {"spec", T}, {"revision", I}, {"created_at", T},
        {"updated_at", T}, {"updated_by", T}}},
      {"memberships", {{"member_kind", T}, {"member_name", T}, {"group_name", T}}},
      {"catalog_settings",
       {{"name", T}, {"value", T}, {"revision", I}, {"updated_at", T}, {"updated_by", T}}},
      {"datasets",
       {{"id", I}, {"namespace", T}, {"name", T}, {"domain", T}, {"spec", T}, {"revision", I},
        {"schema_version", I}, {"created_at", T}, {"updated_at", T}, {"updated_by", T},
        {"spec_pb", B}, {"layer", T}, {"certified_until_ms", I}}},
      {"dataset_owners", {{"dataset_id", I}, {"principal", T}, {"type", T}}},
      {"dataset_tags", {{"dataset_id", I}, {"tag", T}}},
      {"dataset_history",
       {{"namespace", T}, {"name", T}, {"revision", I}, {"action", T}, {"actor", T}, {"time", T},
        {"changes", T}, {"document", T}, {"spec_pb", B}}},
      {"tokens",
       {{"id", T}, {"secret_hash", B}, {"principal", T}, {"description", T}, {"created_at", T},
        {"created_by", T}, {"revoked_at", T}, {"expires_at", T}, {"actions", T}, {"kind", T}}},
      {"session_activity", {{"token_id", T}, {"last_seen", T}}},
      {"audit_events",
       {{"seq", I}, {"time", T}, {"actor", T}, {"action", T}, {"target_kind", T}, {"target", T},
        {"before_revision", I}, {"after_revision", I}, {"catalog_revision", I}, {"decision", T},
        {"prev_hash", T}, {"hash", T}, {"subject", T}, {"peer", T}}},
      {"policy_versions",
       {{"version", I}, {"files", T}, {"description", T}, {"created_at", T}, {"created_by", T}}},
      {"governance_rules",
       {{"name", T}, {"version", I}, {"spec", T}, {"created_at", T}, {"created_by", T}}},
      {"data_products",
       {{"id", T}, {"domain", T}, {"spec", T}, {"revision", I}, {"created_at", T},
        {"updated_at", T}, {"updated_by", T}}},
      {"glossary_terms",
       {{"id", T}, {"domain", T}, {"spec", T}, {"revision", I}, {"created_at", T},
        {"updated_at", T}, {"updated_by", T}}},
      {"dataset_terms", {{"dataset_id", I}, {"column_path", T}, {"term", T}}},
      {"models",
       {{"name", T}, {"domain", T}, {"spec", T}, {"revision", I}, {"created_at", T},
        {"updated_at", T}, {"updated_by", T}}},
      {"model_versions",
       {{"model", T}, {"version", T}, {"seq", I}, {"spec", T}, {"revision", I},
        {"created_at", T}, {"updated_at", T}, {"updated_by", T}}},
      {"model_aliases",
       {{"model", T}, {"alias", T}, {"version", T}, {"updated_at", T}, {"updated_by", T}}},
      {"model_training_inputs",
       {{"model", T}, {"version", T}, {"namespace", T}, {"name", T}, {"revision", I},
        {"schema_version", I}, {"columns", T}}},
      {"model_metrics",
       {{"model", T}, {"version", T}, {"name", T}, {"at_ms", I}, {"value", R}, {"reporter", T},
        {"retained_from_ms", I}}},
      {"feature_views",
       {{"name", T}, {"domain", T}, {"spec", T}, {"source_namespace", T}, {"source_name", T},
        {"revision", I}, {"created_at", T}, {"updated_at", T}, {"updated_by", T}}},
      {"ai_applications",
       {{"name", T}, {"domain", T}, {"spec", T}, {"review_state", T}, {"reviewed_by", T},
        {"reviewed_at", T}, {"review_note", T}, {"reviewed_revision", I}, {"revision", I},
        {"created_at", T}, {"updated_at", T}, {"updated_by", T}}},
      {"ai_application_uses",
       {{"application", T}, {"kind", T}, {"namespace", T}, {"name", T}, {"used_as", T}}},
      {"object_history",
       {{"kind", T}, {"name", T}, {"revision", I}, {"action", T}, {"actor", T}, {"time", T},
        {"changes", T}, {"spec", T}}},
      {"governance_evaluations",
       {{"day", T}, {"rule", T}, {"domain", T}, {"checks", I}, {"passed", I}, {"at_ms", I}}},
      {"jobs",
       {{"id", I}, {"namespace", T}, {"name", T}, {"job_type", T}, {"description", T},
        {"sql", T}, {"facets", T}, {"latest_run_id", T}, {"complete_run_id", T},
        {"complete_time_ms", I}, {"created_at", T}, {"updated_at", T}, {"owners", T},
        {"revision", I}}},
      {"runs",
       {{"job_id", I}, {"run_id", T}, {"state", T}, {"started_ms", I}, {"ended_ms", I},
        {"last_event_ms", I}, {"parent_run_id", T}, {"parent_job", T}, {"error_message", T},
        {"facets", T}}},
      {"run_transitions", {{"job_id", I}, {"run_id", T}, {"state", T}, {"event_time_ms", I}}},
      {"lineage_edges",
       {{"job_id", I}, {"dataset_id", I}, {"output", I}, {"run_id", T}, {"first_seen_ms", I},
        {"last_seen_ms", I}, {"active", I}, {"io_facets", T}}},
      {"column_edges",
       {{"out_dataset", I}, {"out_field", T}, {"in_dataset", I}, {"in_field", T}, {"job_id", I},
        {"transformations", T}, {"run_id", T}, {"first_seen_ms", I}, {"last_seen_ms", I},
        {"active", I}}},
      {"dataset_aliases", {{"namespace", T}, {"name", T}, {"dataset_id", I}, {"type", T}}},
      {"dataset_facets", {{"dataset_id", I}, {"facet", T}, {"value", T}, {"event_ms", I}}},
      {"contracts",
       {{"contract_id", T}, {"seq", I}, {"version", T}, {"status", T}, {"document", T},
        {"file", T}, {"created_at", T}, {"created_by", T}}},
      {"contract_bindings",
       {{"dataset_namespace", T}, {"dataset_name", T}, {"contract_id", T}, {"object", T}}},
      {"contract_violations",
       {{"id", I}, {"dataset_namespace", T}, {"dataset_name", T}, {"contract_id", T},
        {"version", T}, {"source", T}, {"violations", T}, {"at", T}}},
      {"dataset_observations",
       {{"dataset_id", I}, {"field", T}, {"reporter", T}, {"value", T}, {"job_namespace", T},
        {"job_name", T}, {"event_ms", I}, {"observed_at", T}, {"dismissed", I}}},
      {"quality_results",
       {{"dataset_id", I}, {"event_ms", I}, {"job_namespace", T}, {"job_name", T},
        {"run_id", T}, {"part", I}, {"checks", I}, {"failed", I}, {"results", B},
        {"reporter", T}, {"retained_from_ms", I}}},
      {"dataset_health",
       {{"dataset_id", I}, {"health", T}, {"health_since_ms", I}, {"freshness", T},
        {"freshness_since_ms", I}, {"freshness_reason", T}, {"last_write_ms", I}, {"sla", T},
        {"next_check_ms", I}, {"failing", B}, {"contract_broken_ms", I},
        {"contract_broken", T}}},
      {"incidents",
       {{"id", I}, {"dataset_id", I}, {"cause", T}, {"kind", T}, {"summary", T},
        {"severity", T}, {"state", T}, {"cause_ms", I}, {"opened_ms", I},
        {"acknowledged_ms", I}, {"resolved_ms", I}, {"assignee", T}, {"resolved_by", T},
        {"resolution", T}, {"notes", T}}},
      {"run_costs",
       {{"job_id", I}, {"run_id", T}, {"event_ms", I}, {"currency", T}, {"amount_micros", I},
        {"billed_bytes", I}}},
      {"webhooks",
       {{"id", I}, {"name", T}, {"url", T}, {"scope_kind", T}, {"scope", T}, {"events", T},
        {"subscriber", T}, {"secret", T}, {"key_id", T}, {"state", T}, {"state_reason", T},
        {"created_ms", I}}},
      {"webhook_deliveries",
       {{"id", I}, {"webhook_id", I}, {"event", T}, {"namespace", T}, {"name", T},
        {"detail", T}, {"created_ms", I}, {"state", T}, {"attempts", I}, {"next_ms", I},
        {"last_ms", I}, {"last_status", I}, {"last_error", T}, {"body", T}}},
  };
  return tables;
}

absl::StatusOr<std::unique_ptr<Connection>> Open(const StoreLocation& at) {
  if (!at.postgres_url.empty()) {
    ASSIGN_OR_RETURN(auto db, PgConnection::Open(at.postgres_url, {}));
    return std::unique_ptr<Connection>(std::move(db));
  }
  ASSIGN_OR_RETURN(auto db, SqliteConnection::Open(at.sqlite_path, false, 5000));
  return std::unique_ptr<Connection>(std::move(db));
}

absl::StatusOr<int64_t> Count(Connection& db, const std::string& table) {
  ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat("SELECT count(*) FROM ", table)));
  ASSIGN_OR_RETURN(bool row, s->Step());
  int64_t n = row ? s->Int(0) : 0;
  s->Reset();
  return n;
}

absl::Status CopyTable(Connection& from, Connection& to, const Table& t, int64_t* rows) {
  std::string columns, marks;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    columns += StrCat(i ? ", " : "", t.columns[i].first);
    marks += i ? ", ?" : "?";
  }
  ASSIGN_OR_RETURN(Statement * read,
                   from.Prepare(StrCat("SELECT ", columns, " FROM ", t.name)));
  ASSIGN_OR_RETURN(Statement * write, to.Prepare(StrCat("INSERT INTO ", t.name, "(", columns,
                                                       ") VALUES (", marks, ")")));
  while (true) {
    ASSIGN_OR_RETURN(bool row, read->Step());
    if (!row) break;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const int c = static_cast<int>(i);
      if (read->IsNull(c)) {
        write->BindNull(c + 1);
        continue;
      }
      switch (t.columns[i].second) {
        case Kind::kInt:
          write->Bind(c + 1, read->Int(c));
          break;
        case Kind::kText:
          write->Bind(c + 1, read->Text(c));
          break;
        case Kind::kBlob:
          write->BindBlob(c + 1, read->BlobView(c));
          break;
        case Kind::kReal:
          write->BindDouble(c + 1, read->Double(c));
          break;
      }
    }
    absl::Status written = write->Run();
    if (!written.ok()) {
      return absl::Status(written.code(), StrCat("copying ", t.name, ": ", MessageOf(written)));
    }
    ++*rows;
  }
  return absl::OkStatus();
}

// The search index of the copied datasets, as their writes would have made it.
absl::Status RebuildSearch(Connection& to) {
  ASSIGN_OR_RETURN(Statement * s,
                   to.Prepare("SELECT id, namespace, name, spec, spec_pb FROM datasets"));
  std::vector<std::pair<int64_t, SearchRow>> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    Dataset d{.key = {s->Text(1), s->Text(2)}};
    ASSIGN_OR_RETURN(d.spec, ReadSpec(*s, 3, 4, d.key));
    rows.emplace_back(s->Int(0), SearchRowOf(d));
  }
  s->Reset();
  for (const auto& [id, row] : rows) RETURN_IF_ERROR(to.dialect().PutSearchRow(to, id, &row));
  return to.dialect().FlushSearchRows(to);
}

}  // namespace

std::string StoreLocation::ToString() const {
  return postgres_url.empty() ? sqlite_path : RedactedStoreUrl(postgres_url);
}

const std::vector<std::string>& CopiedTables() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Table& t : Tables()) out.push_back(t.name);
    return out;
  }();
  return names;
}

absl::StatusOr<CopyReport> CopyStore(const StoreLocation& from_at, const StoreLocation& to_at) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> from, Open(from_at));
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> to, Open(to_at));
  RETURN_IF_ERROR(Migrate(*from, from->dialect().migrations(), false).status());
  RETURN_IF_ERROR(Migrate(*to, to->dialect().migrations(), false).status());
  CopyReport report;
  ASSIGN_OR_RETURN(report.schema_version, CurrentSchemaVersion(*from));
  ASSIGN_OR_RETURN(int to_version, CurrentSchemaVersion(*to));
  if (to_version != report.schema_version) {
    return absl::FailedPreconditionError(
        StrCat("the source is at schema version ", report.schema_version,
               " and the destination at ", to_version));
  }
  RETURN_IF_ERROR(to->dialect().PrepareWriter(*to));
  ASSIGN_OR_RETURN(Transaction read, Transaction::Begin(*from, TxnMode::kRead));
  ASSIGN_OR_RETURN(Transaction write, Transaction::Begin(*to, TxnMode::kWrite));
  for (const char* table : {"datasets", "domains", "principals", "policy_versions", "tokens",
                            "audit_events", "jobs", "contracts"}) {
    ASSIGN_OR_RETURN(int64_t n, Count(*to, table));
    if (n > 0) {
      return absl::FailedPreconditionError(
          StrCat(to_at.ToString(), " already holds a catalog (", n, " rows in ", table,
                 "); copy into an empty database"));
    }
  }
  for (const Table& t : Tables()) {
    int64_t& rows = report.rows[t.name];
    RETURN_IF_ERROR(CopyTable(*from, *to, t, &rows));
  }
  ASSIGN_OR_RETURN(Statement * meta,
                   from->Prepare("SELECT key, value FROM meta WHERE key IN "
                                 "('catalog_revision', 'audit_chained')"));
  ASSIGN_OR_RETURN(Statement * put,
                   to->Prepare("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT (key) "
                               "DO UPDATE SET value = excluded.value"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, meta->Step());
    if (!row) break;
    if (meta->Text(0) == "catalog_revision") report.catalog_revision = meta->Int(1);
    put->Bind(1, meta->Text(0));
    put->Bind(2, meta->Int(1));
    RETURN_IF_ERROR(put->Run());
  }
  RETURN_IF_ERROR(to->dialect().ContinueIds(*to));
  RETURN_IF_ERROR(RebuildSearch(*to));
  RETURN_IF_ERROR(write.Commit());
  return report;
}

}  // namespace catalog::store

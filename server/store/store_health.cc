// Dataset health (docs/quality.md#health): each judged dataset's row in
// dataset_health — the checks failing now, its newest successful write,
// its contract's freshness agreement, whether its last write broke the
// contract's schema — judged again whenever one of them changes and when
// its freshness falls due (the leader's sweep, Store::JudgeDueHealth). A
// change of health or freshness puts the dataset, as it now is, into the
// transaction's change: a catalog revision (snapshots and replicas see
// it), never a revision or history entry of the dataset.
#include <algorithm>

#include "proto/health_convert.h"
#include "lib/catalog/validate.h"
#include "lib/contract/sla.h"
#include "lib/health/health.h"
#include "lib/util/time.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

using health::FailingCheck;

// A dataset_health row, decoded.
struct HealthRow {
  std::string health = "ok";
  int64_t health_since_ms = 0;
  std::string freshness = "unknown";
  int64_t freshness_since_ms = 0;
  std::string freshness_reason;
  int64_t last_write_ms = 0;
  std::string sla;
  int64_t next_check_ms = 0;
  std::vector<FailingCheck> failing;
  int64_t contract_broken_ms = 0;
  std::string contract_broken;
};

constexpr std::string_view kRowColumns =
    "health, health_since_ms, freshness, freshness_since_ms, freshness_reason, "
    "last_write_ms, sla, next_check_ms, failing, contract_broken_ms, contract_broken";

std::string EncodeFailing(const std::vector<FailingCheck>& failing) {
  v1::FailingCheckList list;
  for (const FailingCheck& f : failing) ToProto(f, list.add_checks());
  return list.SerializeAsString();
}

absl::StatusOr<std::vector<FailingCheck>> DecodeFailing(std::string_view bytes, int64_t id) {
  v1::FailingCheckList list;
  if (!list.ParseFromString(std::string(bytes))) {
    return absl::DataLossError(StrCat("dataset_health.failing of dataset ", id,
                                      " does not decode"));
  }
  std::vector<FailingCheck> out;
  for (const v1::FailingCheck& f : list.checks()) out.push_back(FromProto(f));
  return out;
}

absl::StatusOr<std::optional<HealthRow>> LoadRow(Connection& db, int64_t id) {
  ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat("SELECT ", kRowColumns,
                                                    " FROM dataset_health WHERE dataset_id = ?")));
  s->Bind(1, id);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return std::nullopt;
  HealthRow row{.health = s->Text(0),
                .health_since_ms = s->Int(1),
                .freshness = s->Text(2),
                .freshness_since_ms = s->Int(3),
                .freshness_reason = s->Text(4),
                .last_write_ms = s->Int(5),
                .sla = s->Text(6),
                .next_check_ms = s->Int(7),
                .contract_broken_ms = s->Int(9),
                .contract_broken = s->Text(10)};
  absl::StatusOr<std::vector<FailingCheck>> failing = DecodeFailing(s->BlobView(8), id);
  s->Reset();
  if (!failing.ok()) return failing.status();
  row.failing = *std::move(failing);
  return row;
}

absl::Status SaveRow(Connection& db, int64_t id, const HealthRow& row) {
  ASSIGN_OR_RETURN(
      Statement * s,
      db.Prepare(StrCat("INSERT INTO dataset_health(dataset_id, ", kRowColumns,
                        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dataset_id) DO "
                        "UPDATE SET health = excluded.health, health_since_ms = "
                        "excluded.health_since_ms, freshness = excluded.freshness, "
                        "freshness_since_ms = excluded.freshness_since_ms, freshness_reason = "
                        "excluded.freshness_reason, last_write_ms = excluded.last_write_ms, sla = "
                        "excluded.sla, next_check_ms = excluded.next_check_ms, failing = "
                        "excluded.failing, contract_broken_ms = excluded.contract_broken_ms, "
                        "contract_broken = excluded.contract_broken")));
  s->Bind(1, id);
  s->Bind(2, row.health);
  s->Bind(3, row.health_since_ms);
  s->Bind(4, row.freshness);
  s->Bind(5, row.freshness_since_ms);
  s->Bind(6, row.freshness_reason);
  s->Bind(7, row.last_write_ms);
  s->Bind(8, row.sla);
  s->Bind(9, row.next_check_ms);
  s->BindBlob(10, EncodeFailing(row.failing));
  s->Bind(11, row.contract_broken_ms);
  s->Bind(12, row.contract_broken);
  return s->Run();
}

// What in `row` is a cause of an incident: each blocking failing check, a
// missed freshness agreement, a broken contract.
std::vector<IncidentCause> CausesOf(const HealthRow& row) {
  std::vector<IncidentCause> out;
  for (const FailingCheck& f : row.failing) {
    if (!health::Blocks(f.check.severity)) continue;
    out.push_back({.cause = StrCat("check ", f.check.facet, " ", f.check.column, " ", f.check.name),
                   .kind = "check",
                   .summary = StrCat("check ", f.check.column.empty() ? "" : StrCat(f.check.column, ": "),
                                     f.check.name, " fails",
                                     f.check.actual.empty() ? "" : StrCat(" (", f.check.actual, ")")),
                   .severity = f.check.severity.empty() ? "error" : f.check.severity,
                   .since_ms = f.since_ms});
  }
  if (row.freshness == "stale") {
    out.push_back({.cause = "freshness",
                   .kind = "freshness",
                   .summary = row.freshness_reason,
                   .severity = "error",
                   .since_ms = row.freshness_since_ms});
  }
  if (row.contract_broken_ms != 0) {
    out.push_back({.cause = "contract",
                   .kind = "contract",
                   .summary = "a write broke the contract's schema",
                   .severity = "error",
                   .since_ms = row.contract_broken_ms});
  }
  return out;
}

// The freshness `row` has at `now_ms`.
contract::Freshness JudgeRowFreshness(const HealthRow& row, int64_t now_ms) {
  return contract::JudgeFreshness(
      contract::DecodeSla(row.sla),
      row.last_write_ms == 0 ? std::nullopt : std::optional<int64_t>(row.last_write_ms), now_ms);
}

// Judges `row` again at `now_ms`: true when its health or freshness moved.
bool Rejudge(HealthRow& row, int64_t now_ms) {
  contract::Freshness f = JudgeRowFreshness(row, now_ms);
  const std::string freshness = contract::FreshnessName(f.state);
  health::OwnHealth own = health::JudgeOwnHealth(row.failing, f.state, row.contract_broken_ms != 0);
  const std::string state = health::HealthName(own.state);
  const bool moved = freshness != row.freshness || state != row.health;
  row.freshness = freshness;
  row.freshness_since_ms = f.since_ms;
  row.freshness_reason = f.reason;
  row.next_check_ms = f.next_change_ms;
  if (state != row.health || row.health_since_ms == 0) {
    row.health = state;
    row.health_since_ms = now_ms;
  }
  return moved;
}

// Puts dataset `key` as it now is into the transaction's change (its
// entry replaced when the transaction changed it already).
absl::Status NoteHealthChange(WriteContext& ctx, const DatasetKey& key, const HealthRow& row) {
  RETURN_IF_ERROR(ctx.BumpCatalogRevision().status());
  const DatasetHealth health{.state = row.health,
                             .since_ms = row.health_since_ms,
                             .freshness = row.freshness,
                             .freshness_since_ms = row.freshness_since_ms};
  // The newest first: the caller usually put it there just now (a contract
  // touching thousands of datasets would otherwise scan them all for each).
  for (auto r = ctx.change.upserted.rbegin(); r != ctx.change.upserted.rend(); ++r) {
    if (r->kind == Resource::Kind::kDataset && r->dataset.key == key) {
      r->dataset.health = health;
      return absl::OkStatus();
    }
  }
  ASSIGN_OR_RETURN(auto stored, FindDataset(ctx.db, key));
  if (!stored) return absl::OkStatus();
  Resource r{.kind = Resource::Kind::kDataset, .dataset = std::move(stored->second)};
  r.dataset.health = health;
  ctx.change.upserted.push_back(std::move(r));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> LastWrite(Connection& db, int64_t id) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT max(j.complete_time_ms) FROM lineage_edges e JOIN jobs j ON "
                              "j.id = e.job_id WHERE e.dataset_id = ? AND e.output = 1"));
  s->Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  int64_t ms = row && !s->IsNull(0) ? s->Int(0) : 0;
  s->Reset();
  return ms;
}

DatasetHealth ReadHealthColumns(const Statement& s, int first) {
  DatasetHealth h;
  if (s.IsNull(first)) return h;
  h.state = s.Text(first);
  h.since_ms = s.Int(first + 1);
  h.freshness = s.Text(first + 2);
  h.freshness_since_ms = s.Int(first + 3);
  return h;
}

absl::Status UpdateHealth(WriteContext& ctx, int64_t id, const DatasetKey& key,
                          const HealthInput& in) {
  // Most datasets have no contract and pass their checks: nothing to read
  // or keep for them (a contract bound later finds their last write in the
  // lineage, LastWrite).
  if (in.unjudged_without_contract && !in.sla &&
      std::none_of(in.results.begin(), in.results.end(),
                   [](const lineage::QualityResult* r) { return r->status == "fail"; })) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::optional<HealthRow> stored, LoadRow(ctx.db, id));
  HealthRow row;
  if (stored) {
    row = *std::move(stored);
  } else {
    // The first judgement: the agreement comes from the contract bound now.
    ASSIGN_OR_RETURN(row.sla, ActiveContractSla(ctx.db, key));
  }
  const HealthRow before = row;
  bool changed = !stored;
  if (!in.results.empty()) {
    changed |= health::ApplyResults(row.failing, in.results, in.event_ms, in.job, in.run_id);
  }
  bool wrote = false;
  if (in.written_ms && *in.written_ms > row.last_write_ms) {
    row.last_write_ms = *in.written_ms;
    wrote = true;
  }
  if (in.schema_violations) {
    if (in.schema_violations->empty()) {
      changed |= row.contract_broken_ms != 0;
      row.contract_broken_ms = 0;
      row.contract_broken.clear();
    } else {
      if (row.contract_broken_ms == 0) row.contract_broken_ms = ctx.now_ms;
      changed |= row.contract_broken != *in.schema_violations;
      row.contract_broken = *in.schema_violations;
    }
  }
  if (in.sla && *in.sla != row.sla) {
    row.sla = *in.sla;
    changed = true;
  }
  const bool moved = Rejudge(row, ctx.now_ms);
  changed |= row.next_check_ms != before.next_check_ms ||
             row.freshness_reason != before.freshness_reason;
  // Without an agreement a newer write changes no judgement: not kept
  // (LastWrite finds it when a contract comes).
  if (!changed && !moved && (!wrote || row.sla.empty())) return absl::OkStatus();
  RETURN_IF_ERROR(SaveRow(ctx.db, id, row));
  // Incidents follow the causes (none before and none now: nothing to do).
  std::vector<IncidentCause> causes = CausesOf(row);
  if (!causes.empty() || (stored && !CausesOf(before).empty())) {
    RETURN_IF_ERROR(SyncIncidents(ctx, id, key, causes));
  }
  // Only a new health or freshness is a change others see (a new row's is
  // new when it is not the default: ok, unknown).
  return moved ? NoteHealthChange(ctx, key, row) : absl::OkStatus();
}

absl::StatusOr<HealthDetail> Store::GetDatasetHealth(const DatasetKey& key) {
  RETURN_IF_ERROR(ValidateDatasetKey(key));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<HealthDetail> {
    ASSIGN_OR_RETURN(auto found, FindDataset(db, key));
    if (!found) return absl::NotFoundError(StrCat("dataset \"", key.ToString(), "\" not found"));
    HealthDetail out{.key = key};
    ASSIGN_OR_RETURN(std::optional<HealthRow> row, LoadRow(db, found->first));
    if (!row) {
      ASSIGN_OR_RETURN(std::string sla, ActiveContractSla(db, key));
      out.sla = contract::DecodeSla(sla);
      out.freshness_reason = contract::JudgeFreshness(out.sla, std::nullopt, 0).reason;
      return out;
    }
    out.health = {.state = row->health,
                  .since_ms = row->health_since_ms,
                  .freshness = row->freshness,
                  .freshness_since_ms = row->freshness_since_ms};
    out.reason = health::JudgeOwnHealth(row->failing, contract::ParseFreshness(row->freshness),
                                        row->contract_broken_ms != 0)
                     .reason;
    out.freshness_reason = row->freshness_reason;
    out.last_write_ms = row->last_write_ms;
    out.next_check_ms = row->next_check_ms;
    out.sla = contract::DecodeSla(row->sla);
    out.failing = std::move(row->failing);
    out.contract_broken_ms = row->contract_broken_ms;
    out.contract_violations = row->contract_broken;
    return out;
  });
}

absl::StatusOr<int> Store::JudgeDueHealth(int limit) {
  return impl_->Write("catalogd", [&](WriteContext& ctx) -> absl::StatusOr<int> {
    ASSIGN_OR_RETURN(Statement * due,
                     ctx.db.Prepare("SELECT h.dataset_id, d.namespace, d.name FROM dataset_health h "
                                    "JOIN datasets d ON d.id = h.dataset_id WHERE h.next_check_ms "
                                    "> 0 AND h.next_check_ms <= ? ORDER BY h.next_check_ms LIMIT ?"));
    due->Bind(1, ctx.now_ms);
    due->Bind(2, static_cast<int64_t>(limit));
    std::vector<std::pair<int64_t, DatasetKey>> rows;
    while (true) {
      ASSIGN_OR_RETURN(bool row, due->Step());
      if (!row) break;
      rows.push_back({due->Int(0), {due->Text(1), due->Text(2)}});
    }
    due->Reset();
    for (const auto& [id, key] : rows) RETURN_IF_ERROR(UpdateHealth(ctx, id, key, {}));
    return static_cast<int>(rows.size());
  });
}

}  // namespace catalog::store

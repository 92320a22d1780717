// Incidents (docs/quality.md#incidents): opened and auto-resolved with the
// health judgement that found their cause (store_health.cc calls
// SyncIncidents in the same transaction), acknowledged and resolved by
// people; every transition an audit event.
#include <algorithm>

#include "lib/util/time.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

using nlohmann::json;

constexpr std::string_view kColumns =
    "i.id, d.namespace, d.name, i.cause, i.kind, i.summary, i.severity, i.state, i.cause_ms, "
    "i.opened_ms, i.acknowledged_ms, i.resolved_ms, i.assignee, i.resolved_by, i.resolution, "
    "i.notes";

IncidentRecord ReadIncident(const Statement& s) {
  return {.id = s.Int(0),
          .dataset = {s.Text(1), s.Text(2)},
          .cause = s.Text(3),
          .kind = s.Text(4),
          .summary = s.Text(5),
          .severity = s.Text(6),
          .state = s.Text(7),
          .cause_ms = s.Int(8),
          .opened_ms = s.Int(9),
          .acknowledged_ms = s.Int(10),
          .resolved_ms = s.Int(11),
          .assignee = s.Text(12),
          .resolved_by = s.Text(13),
          .resolution = s.Text(14),
          .notes = s.Text(15)};
}

absl::StatusOr<std::optional<IncidentRecord>> FindIncident(Connection& db, int64_t id) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare(StrCat("SELECT ", kColumns, " FROM incidents i JOIN datasets d ON "
                                     "d.id = i.dataset_id WHERE i.id = ?")));
  s->Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  IncidentRecord r = ReadIncident(*s);
  s->Reset();
  return r;
}

std::string AuditTarget(int64_t id, const DatasetKey& dataset) {
  return StrCat(id, " ", dataset.ToString());
}

// What a webhook hears of an incident (docs/quality.md#webhooks).
json WebhookDetail(const IncidentRecord& r) {
  json i = {{"id", r.id},
            {"cause", r.cause},
            {"kind", r.kind},
            {"summary", r.summary},
            {"severity", r.severity},
            {"state", r.state},
            {"cause_since", FormatMs(r.cause_ms)},
            {"opened_at", FormatMs(r.opened_ms)},
            {"time_to_detect_ms", r.cause_ms > 0 ? std::max<int64_t>(0, r.opened_ms - r.cause_ms)
                                                 : 0}};
  if (!r.assignee.empty()) i["assignee"] = r.assignee;
  if (r.state == "resolved") {
    i["resolved_at"] = FormatMs(r.resolved_ms);
    i["resolved_by"] = r.resolved_by;
    i["resolution"] = r.resolution;
    i["time_to_resolve_ms"] = r.resolved_ms - r.opened_ms;
  }
  return {{"incident", std::move(i)}};
}

}  // namespace

absl::Status SyncIncidents(WriteContext& ctx, int64_t dataset_id, const DatasetKey& dataset,
                           const std::vector<IncidentCause>& active, bool rules) {
  ASSIGN_OR_RETURN(Statement * open,
                   ctx.db.Prepare(StrCat("SELECT ", kColumns, " FROM incidents i JOIN datasets d "
                                         "ON d.id = i.dataset_id WHERE i.dataset_id = ? AND "
                                         "i.state <> 'resolved'")));
  open->Bind(1, dataset_id);
  std::vector<IncidentRecord> opened;
  while (true) {
    ASSIGN_OR_RETURN(bool row, open->Step());
    if (!row) break;
    IncidentRecord r = ReadIncident(*open);
    if (r.cause.starts_with(kRuleCausePrefix) == rules) opened.push_back(std::move(r));
  }
  open->Reset();
  // Recovered: resolved, saying why.
  ASSIGN_OR_RETURN(Statement * resolve,
                   ctx.db.Prepare("UPDATE incidents SET state = 'resolved', resolved_ms = ?, "
                                  "resolved_by = 'catalogd', resolution = ? WHERE id = ?"));
  for (IncidentRecord& r : opened) {
    if (std::any_of(active.begin(), active.end(),
                    [&](const IncidentCause& c) { return c.cause == r.cause; })) {
      continue;
    }
    r.state = "resolved";
    r.resolved_ms = ctx.now_ms;
    r.resolved_by = "catalogd";
    r.resolution = StrCat("recovered: ", r.cause == "freshness" ? "written as its contract promises"
                                         : r.cause == "contract" ? "a write kept the contract's schema"
                                         : rules                 ? "a write kept the rule"
                                                                 : "the check passed",
                          ", seen at ", FormatMs(ctx.now_ms));
    resolve->Bind(1, r.resolved_ms);
    resolve->Bind(2, r.resolution);
    resolve->Bind(3, r.id);
    RETURN_IF_ERROR(resolve->Run());
    RETURN_IF_ERROR(ctx.Audit("incident.resolve", "Incident", AuditTarget(r.id, dataset), 0, 0));
    RETURN_IF_ERROR(QueueWebhookEvent(ctx, "incident.resolved", dataset, WebhookDetail(r)));
  }
  // New causes: one open incident each.
  ASSIGN_OR_RETURN(
      Statement * insert,
      ctx.db.Prepare("INSERT INTO incidents(dataset_id, cause, kind, summary, severity, state, "
                     "cause_ms, opened_ms, acknowledged_ms, resolved_ms, assignee, resolved_by, "
                     "resolution, notes) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, 0, 0, '', '', '', "
                     "'[]') RETURNING id"));
  for (const IncidentCause& c : active) {
    if (std::any_of(opened.begin(), opened.end(),
                    [&](const IncidentRecord& o) { return o.cause == c.cause; })) {
      continue;
    }
    insert->Bind(1, dataset_id);
    insert->Bind(2, c.cause);
    insert->Bind(3, c.kind);
    insert->Bind(4, c.summary);
    insert->Bind(5, c.severity);
    insert->Bind(6, c.since_ms);
    insert->Bind(7, ctx.now_ms);
    ASSIGN_OR_RETURN(bool row, insert->Step());
    if (!row) return absl::InternalError("incident insert returned no id");
    const int64_t id = insert->Int(0);
    insert->Reset();
    RETURN_IF_ERROR(ctx.Audit("incident.open", "Incident", AuditTarget(id, dataset), 0, 0));
    RETURN_IF_ERROR(QueueWebhookEvent(ctx, "incident.opened", dataset,
                                      WebhookDetail({.id = id,
                                                     .dataset = dataset,
                                                     .cause = c.cause,
                                                     .kind = c.kind,
                                                     .summary = c.summary,
                                                     .severity = c.severity,
                                                     .state = "open",
                                                     .cause_ms = c.since_ms,
                                                     .opened_ms = ctx.now_ms})));
  }
  return absl::OkStatus();
}

absl::StatusOr<Page<IncidentRecord>> Store::ListIncidents(const IncidentFilter& filter,
                                                          const PageRequest& page) {
  ASSIGN_OR_RETURN(const int64_t before_id, PageBelowId(page));
  const int limit = EffectivePageSize(page);
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Page<IncidentRecord>> {
    // Newest first; "open" means not resolved (open or acknowledged).
    ASSIGN_OR_RETURN(
        Statement * s,
        db.Prepare(StrCat("SELECT ", kColumns, " FROM incidents i JOIN datasets d ON d.id = "
                          "i.dataset_id WHERE i.id < ?1 AND (?2 = '' OR (?2 = 'open' AND "
                          "i.state <> 'resolved') OR i.state = ?2) AND (?3 = '' OR (d.namespace "
                          "= ?3 AND d.name = ?4)) ORDER BY i.id DESC LIMIT ?5")));
    s->Bind(1, before_id);
    s->Bind(2, filter.state);
    s->Bind(3, filter.dataset ? filter.dataset->ns : "");
    s->Bind(4, filter.dataset ? filter.dataset->name : "");
    s->Bind(5, static_cast<int64_t>(limit) + 1);
    return ReadIdPage<IncidentRecord>(*s, limit, ReadIncident);
  });
}

absl::StatusOr<IncidentRecord> Store::GetIncident(int64_t id) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<IncidentRecord> {
    ASSIGN_OR_RETURN(std::optional<IncidentRecord> found, FindIncident(db, id));
    if (!found) return absl::NotFoundError(StrCat("incident ", id, " not found"));
    return *found;
  });
}

absl::StatusOr<IncidentRecord> Store::ChangeIncident(int64_t id, IncidentAction action,
                                                     const std::string& assignee,
                                                     const std::string& note,
                                                     std::string_view actor) {
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<IncidentRecord> {
    ASSIGN_OR_RETURN(std::optional<IncidentRecord> found, FindIncident(ctx.db, id));
    if (!found) return absl::NotFoundError(StrCat("incident ", id, " not found"));
    IncidentRecord r = *std::move(found);
    if (r.state == "resolved") {
      return absl::FailedPreconditionError(
          StrCat("incident ", id, " is resolved (", r.resolution, "); nothing more changes it"));
    }
    json notes = json::parse(r.notes, nullptr, false);
    if (!notes.is_array()) notes = json::array();
    if (!note.empty()) notes.push_back({{"at", ctx.now}, {"by", ctx.actor}, {"text", note}});
    const char* audit = "incident.note";
    if (action == IncidentAction::kAcknowledge) {
      if (r.state == "open") r.acknowledged_ms = ctx.now_ms;
      r.state = "acknowledged";
      if (!assignee.empty()) r.assignee = assignee;
      audit = "incident.acknowledge";
    } else if (action == IncidentAction::kResolve) {
      r.state = "resolved";
      r.resolved_ms = ctx.now_ms;
      r.resolved_by = ctx.actor;
      r.resolution = note.empty() ? "resolved by hand" : note;
      audit = "incident.resolve";
    }
    r.notes = notes.dump();
    ASSIGN_OR_RETURN(Statement * u,
                     ctx.db.Prepare("UPDATE incidents SET state = ?, acknowledged_ms = ?, "
                                    "resolved_ms = ?, assignee = ?, resolved_by = ?, resolution "
                                    "= ?, notes = ? WHERE id = ?"));
    u->Bind(1, r.state);
    u->Bind(2, r.acknowledged_ms);
    u->Bind(3, r.resolved_ms);
    u->Bind(4, r.assignee);
    u->Bind(5, r.resolved_by);
    u->Bind(6, r.resolution);
    u->Bind(7, r.notes);
    u->Bind(8, id);
    RETURN_IF_ERROR(u->Run());
    RETURN_IF_ERROR(ctx.Audit(audit, "Incident", AuditTarget(id, r.dataset), 0, 0));
    if (action == IncidentAction::kResolve) {
      RETURN_IF_ERROR(QueueWebhookEvent(ctx, "incident.resolved", r.dataset, WebhookDetail(r)));
    }
    return r;
  });
}

absl::StatusOr<int64_t> Store::CountOpenIncidents() {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("SELECT count(*) FROM incidents WHERE state <> 'resolved'"));
    ASSIGN_OR_RETURN(bool row, s->Step());
    int64_t n = row ? s->Int(0) : 0;
    s->Reset();
    return n;
  });
}

}  // namespace catalog::store

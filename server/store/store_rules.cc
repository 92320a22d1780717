// Governance rules' versions (docs/governance.md#rules). The store keeps
// the spec's text; the governance service validates it first.
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

// The rule's latest version (0 when it never existed) and its spec ('' if
// that version deleted it).
absl::StatusOr<std::pair<int64_t, std::string>> Latest(Connection& db, std::string_view name) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT version, spec FROM governance_rules WHERE name = ? "
                              "ORDER BY version DESC LIMIT 1"));
  s->Bind(1, name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  std::pair<int64_t, std::string> out{0, ""};
  if (row) out = {s->Int(0), s->Text(1)};
  s->Reset();
  return out;
}

absl::Status CheckExpected(std::string_view name, int64_t expected, int64_t current,
                           bool in_force) {
  if (expected == -1 && in_force) {
    return absl::AbortedError(
        StrCat("rule \"", name, "\" exists already (version ", current, ")"));
  }
  if (expected > 0 && expected != current) {
    return absl::AbortedError(StrCat("stale version: the request expected rule \"", name,
                                     "\" at version ", expected, " but it is at version ",
                                     current, "; read it again and retry"));
  }
  return absl::OkStatus();
}

absl::Status Insert(WriteContext& ctx, std::string_view name, int64_t version,
                    std::string_view spec) {
  ASSIGN_OR_RETURN(Statement * s,
                   ctx.db.Prepare("INSERT INTO governance_rules(name, version, spec, "
                                  "created_at, created_by) VALUES (?, ?, ?, ?, ?)"));
  s->Bind(1, name);
  s->Bind(2, version);
  s->Bind(3, spec);
  s->Bind(4, ctx.now);
  s->Bind(5, ctx.actor);
  RETURN_IF_ERROR(s->Run());
  ctx.change.rules_changed = true;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredRule>> Rows(Statement* s) {
  std::vector<StoredRule> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back({.name = s->Text(0),
                   .version = s->Int(1),
                   .spec = s->Text(2),
                   .created_at = s->Text(3),
                   .created_by = s->Text(4)});
  }
  s->Reset();
  return out;
}

// Lapses `key`'s certification if it is verified: it breaks blocking rule
// `rule`. Whether it lapsed.
absl::StatusOr<bool> LapseIfVerified(WriteContext& ctx, const DatasetKey& key,
                                     std::string_view rule) {
  ASSIGN_OR_RETURN(auto found, FindDataset(ctx.db, key));
  if (!found || found->second.spec.certification.state != "verified") return false;
  Dataset d = found->second;
  d.spec.certification = {};
  ASSIGN_OR_RETURN(ApplyResult applied, ApplyDataset(ctx, d, 0));
  RETURN_IF_ERROR(ctx.Audit("governance.certification.lapse", "Dataset",
                            StrCat(key.ToString(), " (breaks rule ", rule, ")"),
                            applied.revision - 1, applied.revision));
  return true;
}

}  // namespace

absl::StatusOr<int64_t> Store::PutGovernanceRule(std::string_view name, std::string_view spec,
                                                 int64_t expected_version,
                                                 std::string_view actor) {
  if (spec.empty()) return absl::InvalidArgumentError("spec: is required");
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(auto latest, Latest(ctx.db, name));
    const bool in_force = !latest.second.empty();
    RETURN_IF_ERROR(CheckExpected(name, expected_version, latest.first, in_force));
    if (in_force && latest.second == spec) return latest.first;
    if (!in_force) {
      ASSIGN_OR_RETURN(Statement * count,
                       ctx.db.Prepare("SELECT count(*) FROM governance_rules r WHERE spec <> '' "
                                      "AND version = (SELECT max(version) FROM "
                                      "governance_rules WHERE name = r.name)"));
      ASSIGN_OR_RETURN(bool row, count->Step());
      const int64_t n = row ? count->Int(0) : 0;
      count->Reset();
      if (n >= static_cast<int64_t>(kMaxGovernanceRules)) {
        return absl::ResourceExhaustedError(StrCat("the catalog holds ", n,
                                                   " governance rules, the most it keeps; "
                                                   "delete one first"));
      }
    }
    const int64_t version = latest.first + 1;
    RETURN_IF_ERROR(Insert(ctx, name, version, spec));
    RETURN_IF_ERROR(ctx.Audit("governance.rule.put", "GovernanceRule", name,
                              in_force ? latest.first : 0, version));
    return version;
  });
}

absl::StatusOr<int64_t> Store::DeleteGovernanceRule(std::string_view name,
                                                    int64_t expected_version,
                                                    std::string_view actor) {
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(auto latest, Latest(ctx.db, name));
    if (latest.second.empty()) {
      return absl::NotFoundError(StrCat("governance rule \"", name, "\" not found"));
    }
    RETURN_IF_ERROR(CheckExpected(name, expected_version, latest.first, true));
    RETURN_IF_ERROR(Insert(ctx, name, latest.first + 1, ""));
    RETURN_IF_ERROR(ctx.Audit("governance.rule.delete", "GovernanceRule", name, latest.first,
                              latest.first + 1));
    return latest.first + 1;
  });
}

absl::StatusOr<std::vector<StoredRule>> Store::ListGovernanceRules() {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<StoredRule>> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("SELECT name, version, spec, created_at, created_by FROM "
                                "governance_rules r WHERE spec <> '' AND version = (SELECT "
                                "max(version) FROM governance_rules WHERE name = r.name) "
                                "ORDER BY name"));
    return Rows(s);
  });
}

absl::StatusOr<std::vector<StoredRule>> Store::GovernanceRuleHistory(std::string_view name) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<StoredRule>> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("SELECT name, version, spec, created_at, created_by FROM "
                                "governance_rules WHERE name = ? ORDER BY version DESC"));
    s->Bind(1, name);
    ASSIGN_OR_RETURN(std::vector<StoredRule> out, Rows(s));
    if (out.empty()) {
      return absl::NotFoundError(StrCat("governance rule \"", name, "\" not found"));
    }
    return out;
  });
}

absl::Status Store::SyncRuleIncidents(const std::vector<RuleWrite>& all) {
  // Most writes keep every rule and have no rule incident open: they need
  // no write transaction (ingest would take the writer twice).
  ASSIGN_OR_RETURN(
      std::vector<RuleWrite> written,
      impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<RuleWrite>> {
        ASSIGN_OR_RETURN(Statement * open,
                         db.Prepare("SELECT 1 FROM incidents i JOIN datasets d ON d.id = "
                                    "i.dataset_id WHERE d.namespace = ? AND d.name = ? AND "
                                    "i.state <> 'resolved' AND i.cause LIKE 'rule %' LIMIT 1"));
        std::vector<RuleWrite> out;
        for (const RuleWrite& w : all) {
          if (!w.breaches.empty()) {
            out.push_back(w);
            continue;
          }
          open->Bind(1, w.dataset.ns);
          open->Bind(2, w.dataset.name);
          ASSIGN_OR_RETURN(bool row, open->Step());
          open->Reset();
          if (row) out.push_back(w);
        }
        return out;
      }));
  if (written.empty()) return absl::OkStatus();
  return impl_->Write("catalogd", [&](WriteContext& ctx) -> absl::Status {
    for (const auto& [key, breaches, may_lapse] : written) {
      ASSIGN_OR_RETURN(auto found, FindDataset(ctx.db, key));
      if (!found) continue;
      std::vector<IncidentCause> causes;
      for (const RuleBreach& b : breaches) {
        causes.push_back({.cause = StrCat(kRuleCausePrefix, b.rule),
                          .kind = "governance",
                          .summary = StrCat("governance rule ", b.rule, ": ", b.message),
                          .severity = b.severity,
                          .since_ms = ctx.now_ms});
      }
      RETURN_IF_ERROR(SyncIncidents(ctx, found->first, found->second.key, causes, true));
      // Nobody vouches for what breaks the organisation's blocking rules.
      if (may_lapse && !breaches.empty()) {
        RETURN_IF_ERROR(LapseIfVerified(ctx, found->second.key, breaches[0].rule).status());
      }
    }
    return absl::OkStatus();
  });
}

absl::Status Store::RecordGovernanceEvaluations(const std::vector<GovernanceEvaluation>& rows) {
  if (rows.empty()) return absl::OkStatus();
  return impl_->Write("catalogd", [&](WriteContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(
        Statement * s,
        ctx.db.Prepare("INSERT INTO governance_evaluations(day, rule, domain, checks, passed, "
                       "at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (day, rule, domain) "
                       "DO UPDATE SET checks = ?4, passed = ?5, at_ms = ?6"));
    for (const GovernanceEvaluation& r : rows) {
      s->Bind(1, r.day);
      s->Bind(2, r.rule);
      s->Bind(3, r.domain);
      s->Bind(4, r.checks);
      s->Bind(5, r.passed);
      s->Bind(6, ctx.now_ms);
      RETURN_IF_ERROR(s->Run());
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<GovernanceEvaluation>> Store::ListGovernanceEvaluations(
    std::string_view since_day) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<GovernanceEvaluation>> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("SELECT day, rule, domain, checks, passed FROM "
                                "governance_evaluations WHERE day >= ? ORDER BY day, rule, "
                                "domain LIMIT 100000"));
    s->Bind(1, since_day);
    std::vector<GovernanceEvaluation> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back({.day = s->Text(0),
                     .rule = s->Text(1),
                     .domain = s->Text(2),
                     .checks = s->Int(3),
                     .passed = s->Int(4)});
    }
    return out;
  });
}

absl::StatusOr<int> Store::LapseBrokenCertifications(
    const std::vector<std::pair<DatasetKey, std::string>>& breaking) {
  if (breaking.empty()) return 0;
  return impl_->Write("catalogd", [&](WriteContext& ctx) -> absl::StatusOr<int> {
    int lapsed = 0;
    for (const auto& [key, rule] : breaking) {
      ASSIGN_OR_RETURN(bool did, LapseIfVerified(ctx, key, rule));
      lapsed += did;
    }
    return lapsed;
  });
}

}  // namespace catalog::store

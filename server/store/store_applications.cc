// AI applications (docs/models.md#ai-applications): each spec as JSON,
// written by Apply with its audit event and a change row like every catalog
// object; the review beside it (application.review), set back to
// unreviewed whenever the spec changes; and the datasets and models each
// names, as rows impact reads.
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/str_join.h"
#include "lib/catalog/ai_application.h"
#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

constexpr char kDatasetExists[] = "SELECT 1 FROM datasets WHERE namespace = ? AND name = ?";
constexpr char kModelExists[] = "SELECT 1 FROM models WHERE name = ?";

absl::Status NotFound(std::string_view name) {
  return absl::NotFoundError(StrCat("AI application \"", name, "\" not found"));
}

absl::StatusOr<std::optional<AIApplication>> Find(Connection& db, std::string_view name) {
  ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat(kSelectAIApplication, "WHERE name = ?")));
  s->Bind(1, name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  ASSIGN_OR_RETURN(AIApplication a, ReadAIApplication(*s));
  s->Reset();
  return a;
}

absl::Status WriteUses(WriteContext& ctx, const AIApplication& a) {
  ASSIGN_OR_RETURN(Statement * del,
                   ctx.db.Prepare("DELETE FROM ai_application_uses WHERE application = ?"));
  del->Bind(1, a.name);
  RETURN_IF_ERROR(del->Run());
  ASSIGN_OR_RETURN(Statement * put,
                   ctx.db.Prepare("INSERT INTO ai_application_uses(application, kind, namespace, "
                                  "name, used_as) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
  auto row = [&](std::string_view kind, std::string_view ns, std::string_view name,
                 std::string_view used_as) -> absl::Status {
    put->Bind(1, a.name);
    put->Bind(2, kind);
    put->Bind(3, ns);
    put->Bind(4, name);
    put->Bind(5, used_as);
    return put->Run();
  };
  for (const NamedDataset& d : DatasetsOf(a.spec)) {
    RETURN_IF_ERROR(row("dataset", d.dataset.ns, d.dataset.name, d.use));
  }
  for (const std::string& ref : a.spec.models) {
    RETURN_IF_ERROR(row("model", "", ref.substr(0, ref.find('@')), ref));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AIApplication> StoredAIApplication(const std::string& name,
                                                  const std::string& spec) {
  const nlohmann::json doc = nlohmann::json::parse(spec, nullptr, /*allow_exceptions=*/false);
  absl::StatusOr<AIApplicationSpec> parsed = AIApplicationSpecFromJson(doc);
  if (doc.is_discarded() || !parsed.ok()) {
    return absl::DataLossError(StrCat("AI application \"", name, "\": stored spec unreadable",
                                      parsed.ok() ? "" : StrCat(": ", MessageOf(parsed.status()))));
  }
  return AIApplication{.name = name, .spec = *std::move(parsed)};
}

absl::StatusOr<AIApplication> ReadAIApplication(const Statement& s) {
  ASSIGN_OR_RETURN(AIApplication a, StoredAIApplication(s.Text(0), s.Text(1)));
  a.review = {.state = s.Text(2),
              .by = s.Text(3),
              .at = s.Text(4),
              .note = s.Text(5),
              .revision = s.Int(6)};
  a.status = ReadObjectStatus(s, 7);
  return a;
}

absl::StatusOr<ApplyResult> ApplyAIApplication(WriteContext& ctx, const AIApplication& a,
                                               int64_t expected_revision) {
  ASSIGN_OR_RETURN(std::optional<AIApplication> old, Find(ctx.db, a.name));
  AIApplication now{.name = a.name, .spec = a.spec};
  ASSIGN_OR_RETURN(ApplyResult result,
                   WriteSpecRow(ctx,
                                {.table = "ai_applications",
                                 .key_column = "name",
                                 .kind = "AIApplication",
                                 .audit = "application",
                                 .key = a.name,
                                 .domain = a.spec.domain,
                                 .spec = AIApplicationSpecToJson(a.spec).dump()},
                                old ? &old->status : nullptr, old && old->spec == a.spec,
                                expected_revision, &now.status));
  if (result.outcome == ApplyOutcome::kUnchanged) return result;
  // What was reviewed is gone: the review with it (a changed application
  // is unreviewed until someone reviews it again).
  if (old && old->review.state != "unreviewed") {
    ASSIGN_OR_RETURN(Statement * s,
                     ctx.db.Prepare("UPDATE ai_applications SET review_state = 'unreviewed', "
                                    "reviewed_by = '', reviewed_at = '', review_note = '', "
                                    "reviewed_revision = 0 WHERE name = ?"));
    s->Bind(1, a.name);
    RETURN_IF_ERROR(s->Run());
  }
  RETURN_IF_ERROR(WriteUses(ctx, a));
  ctx.change.upserted.push_back(
      {.kind = Resource::Kind::kAIApplication, .application = std::move(now)});
  return result;
}

absl::Status CheckAIApplicationReferences(Connection& db, const AIApplication& a) {
  RETURN_IF_ERROR(CheckDomainExists(db, "spec.domain", a.spec.domain));
  auto dataset = [&](const DatasetKey& k, std::string_view field) -> absl::Status {
    ASSIGN_OR_RETURN(Statement * s, db.Prepare(kDatasetExists));
    s->Bind(1, k.ns);
    s->Bind(2, k.name);
    ASSIGN_OR_RETURN(bool row, s->Step());
    s->Reset();
    if (row) return absl::OkStatus();
    return absl::FailedPreconditionError(
        StrCat(field, ": dataset \"", k.ToString(),
               "\" does not exist; apply it (or report it by lineage) first, or in the same "
               "file"));
  };
  const AIApplicationSpec& spec = a.spec;
  for (const NamedDataset& d : DatasetsOf(spec)) RETURN_IF_ERROR(dataset(d.dataset, d.field));
  for (size_t i = 0; i < spec.models.size(); ++i) {
    const std::string& ref = spec.models[i];
    RETURN_IF_ERROR(CheckExists(db, kModelExists, ref.substr(0, ref.find('@')),
                                StrCat("spec.models[", i, "]"), "model"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ApplicationsOfModel(Connection& db,
                                                             std::string_view model) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT DISTINCT application FROM ai_application_uses WHERE kind = "
                              "'model' AND namespace = '' AND name = ? ORDER BY application"));
  s->Bind(1, model);
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(s->Text(0));
  }
  return out;
}

absl::StatusOr<AIApplication> Store::GetAIApplication(std::string_view name) {
  RETURN_IF_ERROR(ValidateName("name", name, kMaxModelNameBytes));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<AIApplication> {
    ASSIGN_OR_RETURN(std::optional<AIApplication> a, Find(db, name));
    if (!a) return NotFound(name);
    return *std::move(a);
  });
}

absl::StatusOr<std::vector<AIApplication>> Store::ListAIApplications() {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<AIApplication>> {
    ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat(kSelectAIApplication, "ORDER BY name")));
    std::vector<AIApplication> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      ASSIGN_OR_RETURN(AIApplication a, ReadAIApplication(*s));
      out.push_back(std::move(a));
    }
    return out;
  });
}

absl::StatusOr<int64_t> Store::DeleteAIApplication(std::string_view name, int64_t expected_revision,
                                                   std::string_view actor) {
  RETURN_IF_ERROR(ValidateName("name", name, kMaxModelNameBytes));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(std::optional<AIApplication> a, Find(ctx.db, name));
    if (!a) return NotFound(name);
    RETURN_IF_ERROR(CheckExpected(expected_revision, a->status.revision, true));
    RETURN_IF_ERROR(WriteDeletionHistory(ctx, "ai_applications", "name", "AIApplication", name,
                                         a->status.revision + 1));
    for (const char* sql : {"DELETE FROM ai_application_uses WHERE application = ?",
                            "DELETE FROM ai_applications WHERE name = ?"}) {
      ASSIGN_OR_RETURN(Statement * s, ctx.db.Prepare(sql));
      s->Bind(1, name);
      RETURN_IF_ERROR(s->Run());
    }
    RETURN_IF_ERROR(ctx.Audit("application.delete", "AIApplication", name, a->status.revision,
                              a->status.revision + 1));
    ctx.change.deleted_applications.push_back(std::string(name));
    return ctx.catalog_revision;
  });
}

absl::StatusOr<AIApplication> Store::ReviewAIApplication(std::string_view name,
                                                         std::string_view state,
                                                         std::string_view note,
                                                         int64_t expected_revision,
                                                         std::string_view actor) {
  RETURN_IF_ERROR(ValidateName("name", name, kMaxModelNameBytes));
  if (state != "approved" && state != "rejected") {
    return absl::InvalidArgumentError(
        StrCat("state: \"", state.substr(0, 64), "\" is not approved or rejected"));
  }
  RETURN_IF_ERROR(ValidateText("note", note));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<AIApplication> {
    ASSIGN_OR_RETURN(std::optional<AIApplication> a, Find(ctx.db, name));
    if (!a) return NotFound(name);
    RETURN_IF_ERROR(CheckExpected(expected_revision, a->status.revision, true));
    a->review = {.state = std::string(state),
                 .by = ctx.actor,
                 .at = ctx.now,
                 .note = std::string(note),
                 .revision = a->status.revision};
    ASSIGN_OR_RETURN(Statement * s,
                     ctx.db.Prepare("UPDATE ai_applications SET review_state = ?, reviewed_by = "
                                    "?, reviewed_at = ?, review_note = ?, reviewed_revision = ? "
                                    "WHERE name = ?"));
    s->Bind(1, a->review.state);
    s->Bind(2, a->review.by);
    s->Bind(3, a->review.at);
    s->Bind(4, a->review.note);
    s->Bind(5, a->review.revision);
    s->Bind(6, name);
    RETURN_IF_ERROR(s->Run());
    // The audit row's revisions: the application's, reviewed at it.
    RETURN_IF_ERROR(ctx.Audit(StrCat("application.", state == "approved" ? "approve" : "reject"),
                              "AIApplication", name, a->status.revision, a->status.revision));
    ctx.change.upserted.push_back({.kind = Resource::Kind::kAIApplication, .application = *a});
    return *std::move(a);
  });
}

absl::StatusOr<std::vector<Store::ApplicationUse>> Store::ApplicationsUsing(
    const std::vector<DatasetKey>& datasets, const std::vector<std::string>& versions) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<ApplicationUse>> {
    std::vector<ApplicationUse> out;
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("SELECT u.application, u.used_as, a.review_state FROM "
                                "ai_application_uses u JOIN ai_applications a ON a.name = "
                                "u.application WHERE u.kind = ? AND u.namespace = ? AND u.name = "
                                "?"));
    for (const DatasetKey& k : datasets) {
      s->Bind(1, "dataset");
      s->Bind(2, k.ns);
      s->Bind(3, k.name);
      while (true) {
        ASSIGN_OR_RETURN(bool row, s->Step());
        if (!row) break;
        out.push_back(
            {.application = s->Text(0), .dataset = k, .used_as = s->Text(1), .review = s->Text(2)});
      }
      s->Reset();
    }
    // Versions by model: a model's references are read once.
    std::map<std::string, std::set<std::string>> by_model;
    for (const std::string& v : versions) {
      const size_t at = v.find('@');
      if (at == std::string::npos) continue;
      by_model[v.substr(0, at)].insert(v.substr(at + 1));
    }
    ASSIGN_OR_RETURN(Statement * alias,
                     db.Prepare("SELECT version FROM model_aliases WHERE model = ? AND alias = ?"));
    for (const auto& [model, reached] : by_model) {
      s->Bind(1, "model");
      s->Bind(2, "");
      s->Bind(3, model);
      struct Ref {
        std::string application, ref, review;
      };
      std::vector<Ref> refs;
      while (true) {
        ASSIGN_OR_RETURN(bool row, s->Step());
        if (!row) break;
        refs.push_back({s->Text(0), s->Text(1), s->Text(2)});
      }
      s->Reset();
      for (const auto& [application, ref, review] : refs) {
        const size_t at = ref.find('@');
        std::vector<std::string> hit;
        if (at == std::string::npos) {
          hit.assign(reached.begin(), reached.end());  // whichever version it calls
        } else {
          const std::string named = ref.substr(at + 1);
          alias->Bind(1, model);
          alias->Bind(2, named);
          ASSIGN_OR_RETURN(bool row, alias->Step());
          const std::string target = row ? alias->Text(0) : named;
          alias->Reset();
          if (reached.contains(target)) hit.push_back(target);
        }
        for (const std::string& v : hit) {
          out.push_back({.application = application,
                         .version = StrCat(model, "@", v),
                         .used_as = ref,
                         .review = review});
        }
      }
    }
    std::stable_sort(out.begin(), out.end(), [](const ApplicationUse& a, const ApplicationUse& b) {
      return a.application < b.application;
    });
    return out;
  });
}

}  // namespace catalog::store

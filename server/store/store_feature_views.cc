// Feature views (docs/models.md#feature-views): each spec as JSON, written
// by Apply with its audit event and a change row like every catalog
// object, its source dataset beside it for impact.
#include <nlohmann/json.hpp>
#include <set>

#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

absl::Status NotFound(std::string_view name) {
  return absl::NotFoundError(StrCat("feature view \"", name, "\" not found"));
}

absl::StatusOr<std::optional<FeatureView>> Find(Connection& db, std::string_view name) {
  ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat(kSelectFeatureView, "WHERE name = ?")));
  s->Bind(1, name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  ASSIGN_OR_RETURN(FeatureView v, ReadFeatureView(*s));
  s->Reset();
  return v;
}

// The column paths of a schema ("a", "a.b").
void Paths(const std::vector<Field>& fields, const std::string& prefix,
           std::set<std::string>& out) {
  for (const Field& f : fields) {
    const std::string path = prefix.empty() ? f.name : StrCat(prefix, ".", f.name);
    out.insert(path);
    Paths(f.fields, path, out);
  }
}

}  // namespace

absl::StatusOr<FeatureView> StoredFeatureView(const std::string& name, const std::string& spec) {
  const nlohmann::json doc = nlohmann::json::parse(spec, nullptr, /*allow_exceptions=*/false);
  absl::StatusOr<FeatureViewSpec> parsed = FeatureViewSpecFromJson(doc);
  if (doc.is_discarded() || !parsed.ok()) {
    return absl::DataLossError(StrCat("feature view \"", name, "\": stored spec unreadable",
                                      parsed.ok() ? "" : StrCat(": ", MessageOf(parsed.status()))));
  }
  return FeatureView{.name = name, .spec = *std::move(parsed)};
}

absl::StatusOr<FeatureView> ReadFeatureView(const Statement& s) {
  ASSIGN_OR_RETURN(FeatureView v, StoredFeatureView(s.Text(0), s.Text(1)));
  v.status = ReadObjectStatus(s, 2);
  return v;
}

absl::StatusOr<ApplyResult> ApplyFeatureView(WriteContext& ctx, const FeatureView& v,
                                             int64_t expected_revision) {
  ASSIGN_OR_RETURN(std::optional<FeatureView> old, Find(ctx.db, v.name));
  FeatureView now = v;
  ASSIGN_OR_RETURN(ApplyResult result,
                   WriteSpecRow(ctx,
                                {.table = "feature_views",
                                 .key_column = "name",
                                 .kind = "FeatureView",
                                 .audit = "featureview",
                                 .key = v.name,
                                 .domain = v.spec.domain,
                                 .spec = FeatureViewSpecToJson(v.spec).dump()},
                                old ? &old->status : nullptr, old && old->spec == v.spec,
                                expected_revision, &now.status));
  if (result.outcome == ApplyOutcome::kUnchanged) return result;
  ASSIGN_OR_RETURN(Statement * s,
                   ctx.db.Prepare("UPDATE feature_views SET source_namespace = ?, source_name = ? "
                                  "WHERE name = ?"));
  s->Bind(1, v.spec.source.ns);
  s->Bind(2, v.spec.source.name);
  s->Bind(3, v.name);
  RETURN_IF_ERROR(s->Run());
  ctx.change.upserted.push_back(
      {.kind = Resource::Kind::kFeatureView, .feature_view = std::move(now)});
  return result;
}

absl::Status CheckFeatureViewReferences(Connection& db, const FeatureView& v) {
  RETURN_IF_ERROR(CheckDomainExists(db, "spec.domain", v.spec.domain));
  absl::StatusOr<std::optional<std::pair<int64_t, Dataset>>> source =
      FindDataset(db, v.spec.source);
  if (!source.ok()) return source.status();
  if (!*source) {
    return absl::FailedPreconditionError(
        StrCat("spec.source: dataset \"", v.spec.source.ToString(),
               "\" does not exist; apply it (or report it by lineage) first, or in the same "
               "file"));
  }
  std::set<std::string> columns;
  Paths((*source)->second.spec.fields, "", columns);
  auto column = [&](std::string_view field, const std::string& name) -> absl::Status {
    if (columns.contains(name)) return absl::OkStatus();
    return absl::FailedPreconditionError(
        StrCat(field, ": dataset \"", v.spec.source.ToString(), "\" has no column \"", name, "\""));
  };
  for (size_t i = 0; i < v.spec.entities.size(); ++i) {
    RETURN_IF_ERROR(column(StrCat("spec.entities[", i, "]"), v.spec.entities[i]));
  }
  for (size_t i = 0; i < v.spec.features.size(); ++i) {
    RETURN_IF_ERROR(column(StrCat("spec.features[", i, "].column"), v.spec.features[i].column));
  }
  return absl::OkStatus();
}

absl::StatusOr<FeatureView> Store::GetFeatureView(std::string_view name) {
  RETURN_IF_ERROR(ValidateName("name", name, kMaxModelNameBytes));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<FeatureView> {
    ASSIGN_OR_RETURN(std::optional<FeatureView> v, Find(db, name));
    if (!v) return NotFound(name);
    return *std::move(v);
  });
}

absl::StatusOr<std::vector<FeatureView>> Store::ListFeatureViews() {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<FeatureView>> {
    ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat(kSelectFeatureView, "ORDER BY name")));
    std::vector<FeatureView> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      ASSIGN_OR_RETURN(FeatureView v, ReadFeatureView(*s));
      out.push_back(std::move(v));
    }
    return out;
  });
}

absl::StatusOr<int64_t> Store::DeleteFeatureView(std::string_view name, int64_t expected_revision,
                                                 std::string_view actor) {
  RETURN_IF_ERROR(ValidateName("name", name, kMaxModelNameBytes));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(std::optional<FeatureView> v, Find(ctx.db, name));
    if (!v) return NotFound(name);
    RETURN_IF_ERROR(CheckExpected(expected_revision, v->status.revision, true));
    RETURN_IF_ERROR(WriteDeletionHistory(ctx, "feature_views", "name", "FeatureView", name,
                                         v->status.revision + 1));
    ASSIGN_OR_RETURN(Statement * s, ctx.db.Prepare("DELETE FROM feature_views WHERE name = ?"));
    s->Bind(1, name);
    RETURN_IF_ERROR(s->Run());
    RETURN_IF_ERROR(ctx.Audit("featureview.delete", "FeatureView", name, v->status.revision,
                              v->status.revision + 1));
    ctx.change.deleted_feature_views.push_back(std::string(name));
    return ctx.catalog_revision;
  });
}

absl::StatusOr<std::vector<FeatureView>> Store::FeatureViewsOn(
    const std::vector<DatasetKey>& datasets) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<FeatureView>> {
    ASSIGN_OR_RETURN(
        Statement * s,
        db.Prepare(StrCat(kSelectFeatureView, "WHERE source_namespace = ? AND source_name = ?")));
    std::vector<FeatureView> out;
    for (const DatasetKey& k : datasets) {
      s->Bind(1, k.ns);
      s->Bind(2, k.name);
      while (true) {
        ASSIGN_OR_RETURN(bool row, s->Step());
        if (!row) break;
        ASSIGN_OR_RETURN(FeatureView v, ReadFeatureView(*s));
        out.push_back(std::move(v));
      }
      s->Reset();
    }
    std::sort(out.begin(), out.end(),
              [](const FeatureView& a, const FeatureView& b) { return a.name < b.name; });
    return out;
  });
}

}  // namespace catalog::store

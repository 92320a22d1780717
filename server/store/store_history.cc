// object_history: every revision of the objects kept whole as a spec
// (models, model versions, feature views, AI applications, data products,
// glossary terms), written in the transaction that writes the object, and
// read back as the objects they were. Datasets keep their own history
// (dataset_history, store_datasets.cc), with their schema in binary.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "lib/catalog/validate.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

using nlohmann::json;

// The top-level fields of `now` that differ from `before` ("spec.FIELD"),
// sorted; every field of `now` when there is no `before`.
std::vector<std::string> ChangedFields(const json* before, const json& now) {
  static const json kNone = json::object();
  const json& b = before ? *before : kNone;
  std::vector<std::string> out;
  if (!b.is_object() || !now.is_object()) return {"spec"};
  for (const auto& [field, value] : now.items()) {
    auto it = b.find(field);
    if (it == b.end() || *it != value) out.push_back("spec." + field);
  }
  for (const auto& [field, value] : b.items()) {
    if (!now.contains(field)) out.push_back("spec." + field);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The rows of `name` of `kind`, oldest first, each made the object it was
// by `read(spec)`; its status from the rows (created at the first).
template <typename T, typename Read>
absl::StatusOr<std::vector<Revision<T>>> ReadHistory(Connection& db, std::string_view kind,
                                                     std::string_view name, Read read) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT revision, actor, time, action, changes, spec FROM "
                              "object_history WHERE kind = ? AND name = ? ORDER BY revision"));
  s->Bind(1, kind);
  s->Bind(2, name);
  std::vector<Revision<T>> out;
  std::string created_at;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    Revision<T> r{.revision = s->Int(0), .actor = s->Text(1), .time = s->Text(2),
                  .action = s->Text(3)};
    const json changes = json::parse(s->Text(4), nullptr, false);
    if (changes.is_array()) {
      for (const json& c : changes) {
        if (c.is_string()) r.changes.push_back(c.get<std::string>());
      }
    }
    ASSIGN_OR_RETURN(r.object, read(s->Text(5)));
    // A name created again starts its life again.
    if (r.action == "create" || created_at.empty()) created_at = r.time;
    r.object.status = {.revision = r.revision,
                       .created_at = created_at,
                       .updated_at = r.time,
                       .updated_by = r.actor};
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

absl::Status WriteObjectHistory(WriteContext& ctx, std::string_view kind, std::string_view name,
                                int64_t revision, const json* old_spec, const json& spec,
                                const std::string& spec_text) {
  ASSIGN_OR_RETURN(Statement * s,
                   ctx.db.Prepare("INSERT INTO object_history(kind, name, revision, action, "
                                  "actor, time, changes, spec) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  s->Bind(1, kind);
  s->Bind(2, name);
  s->Bind(3, revision);
  s->Bind(4, old_spec ? "update" : "create");
  s->Bind(5, ctx.actor);
  s->Bind(6, ctx.now);
  s->Bind(7, json(ChangedFields(old_spec, spec)).dump());
  s->Bind(8, spec_text);
  return s->Run();
}

absl::Status WriteDeletionHistory(WriteContext& ctx, const char* table, const char* key_column,
                                  std::string_view kind, std::string_view name, int64_t revision) {
  ASSIGN_OR_RETURN(Statement * s,
                   ctx.db.Prepare(StrCat("INSERT INTO object_history(kind, name, revision, "
                                         "action, actor, time, changes, spec) SELECT ?, ?, ?, "
                                         "'delete', ?, ?, '[]', spec FROM ",
                                         table, " WHERE ", key_column, " = ?")));
  s->Bind(1, kind);
  s->Bind(2, name);
  s->Bind(3, revision);
  s->Bind(4, ctx.actor);
  s->Bind(5, ctx.now);
  s->Bind(6, name);
  return s->Run();
}

absl::StatusOr<int64_t> LastHistoryRevision(Connection& db, std::string_view kind,
                                            std::string_view name) {
  ASSIGN_OR_RETURN(Statement * s, db.Prepare("SELECT COALESCE(MAX(revision), 0) FROM "
                                             "object_history WHERE kind = ? AND name = ?"));
  s->Bind(1, kind);
  s->Bind(2, name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  const int64_t last = row ? s->Int(0) : 0;
  s->Reset();
  return last;
}

absl::StatusOr<std::vector<Revision<Model>>> Store::ModelHistory(std::string_view name) {
  RETURN_IF_ERROR(ValidateModelName("name", name));
  const std::string key(name);
  return impl_->Read([&](Connection& db) {
    return ReadHistory<Model>(db, "Model", key,
                              [&](const std::string& spec) { return StoredModel(key, spec); });
  });
}

absl::StatusOr<std::vector<Revision<ModelVersion>>> Store::ModelVersionHistory(
    std::string_view model, std::string_view version) {
  RETURN_IF_ERROR(ValidateModelName("model", model));
  RETURN_IF_ERROR(ValidateModelVersionId("version", version));
  const std::string m(model), v(version);
  return impl_->Read([&](Connection& db) {
    return ReadHistory<ModelVersion>(
        db, "ModelVersion", StrCat(m, "@", v),
        [&](const std::string& spec) { return StoredModelVersion(m, v, spec); });
  });
}

absl::StatusOr<std::vector<Revision<FeatureView>>> Store::FeatureViewHistory(
    std::string_view name) {
  RETURN_IF_ERROR(ValidateName("name", name, kMaxModelNameBytes));
  const std::string key(name);
  return impl_->Read([&](Connection& db) {
    return ReadHistory<FeatureView>(
        db, "FeatureView", key, [&](const std::string& spec) { return StoredFeatureView(key, spec); });
  });
}

absl::StatusOr<std::vector<Revision<AIApplication>>> Store::AIApplicationHistory(
    std::string_view name) {
  RETURN_IF_ERROR(ValidateName("name", name, kMaxModelNameBytes));
  const std::string key(name);
  return impl_->Read([&](Connection& db) {
    return ReadHistory<AIApplication>(db, "AIApplication", key, [&](const std::string& spec) {
      return StoredAIApplication(key, spec);
    });
  });
}

}  // namespace catalog::store

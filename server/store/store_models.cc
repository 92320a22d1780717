// Models and their versions (docs/models.md): each spec as JSON, written by
// Apply with its audit event and a change row like every catalog object;
// aliases ("champion") point at versions and move only by SetModelAlias,
// audited as model.promote.
#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/str_join.h"
#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

constexpr char kSelectModel[] =
    "SELECT name, spec, revision, created_at, updated_at, updated_by FROM models ";
constexpr char kSelectVersion[] =
    "SELECT model, version, spec, revision, created_at, updated_at, updated_by FROM "
    "model_versions ";
constexpr char kModelExists[] = "SELECT 1 FROM models WHERE name = ?";
constexpr char kDatasetExists[] = "SELECT 1 FROM datasets WHERE namespace = ? AND name = ?";

absl::Status ModelNotFound(std::string_view name) {
  return absl::NotFoundError(StrCat("model \"", name, "\" not found"));
}

absl::Status VersionNotFound(std::string_view model, std::string_view version) {
  return absl::NotFoundError(StrCat("model version \"", model, "@", version, "\" not found"));
}

absl::StatusOr<Model> ReadModel(const Statement& s) {
  ASSIGN_OR_RETURN(Model m, StoredModel(s.Text(0), s.Text(1)));
  m.status = ReadObjectStatus(s, 2);
  return m;
}

absl::StatusOr<ModelVersion> ReadVersion(const Statement& s) {
  ASSIGN_OR_RETURN(ModelVersion v, StoredModelVersion(s.Text(0), s.Text(1), s.Text(2)));
  v.status = ReadObjectStatus(s, 3);
  return v;
}

absl::StatusOr<std::optional<Model>> FindModel(Connection& db, std::string_view name) {
  ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat(kSelectModel, "WHERE name = ?")));
  s->Bind(1, name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  ASSIGN_OR_RETURN(Model m, ReadModel(*s));
  s->Reset();
  return m;
}

absl::StatusOr<std::optional<ModelVersion>> FindVersion(Connection& db, std::string_view model,
                                                        std::string_view version) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare(StrCat(kSelectVersion, "WHERE model = ? AND version = ?")));
  s->Bind(1, model);
  s->Bind(2, version);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  ASSIGN_OR_RETURN(ModelVersion v, ReadVersion(*s));
  s->Reset();
  return v;
}

absl::StatusOr<std::vector<Store::ModelAliasRow>> AliasesOf(Connection& db,
                                                            std::string_view model) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT alias, version, updated_at, updated_by FROM model_aliases "
                              "WHERE model = ? ORDER BY alias"));
  s->Bind(1, model);
  std::vector<Store::ModelAliasRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back({s->Text(0), s->Text(1), s->Text(2), s->Text(3)});
  }
  return out;
}

absl::StatusOr<int64_t> CountVersions(Connection& db, std::string_view model) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT COUNT(*) FROM model_versions WHERE model = ?"));
  s->Bind(1, model);
  ASSIGN_OR_RETURN(bool row, s->Step());
  const int64_t n = row ? s->Int(0) : 0;
  s->Reset();
  return n;
}

// The alias `alias` of `model` points at, or "" when it is unset.
absl::StatusOr<std::string> AliasTarget(Connection& db, std::string_view model,
                                        std::string_view alias) {
  ASSIGN_OR_RETURN(Statement * s, db.Prepare("SELECT version FROM model_aliases WHERE model = ? "
                                             "AND alias = ?"));
  s->Bind(1, model);
  s->Bind(2, alias);
  ASSIGN_OR_RETURN(bool row, s->Step());
  std::string out = row ? s->Text(0) : "";
  s->Reset();
  return out;
}

// A version's place in its model's registrations (1, 2, …; 0: none).
absl::StatusOr<int64_t> SeqOf(Connection& db, std::string_view model, std::string_view version) {
  if (version.empty()) return 0;
  ASSIGN_OR_RETURN(Statement * s, db.Prepare("SELECT seq FROM model_versions WHERE model = ? "
                                             "AND version = ?"));
  s->Bind(1, model);
  s->Bind(2, version);
  ASSIGN_OR_RETURN(bool row, s->Step());
  const int64_t n = row ? s->Int(0) : 0;
  s->Reset();
  return n;
}

// The aliases of `model` that point at `version` (only those, when not
// empty), by alias.
absl::StatusOr<std::vector<std::string>> AliasesPointingAt(Connection& db, std::string_view model,
                                                           std::string_view version) {
  ASSIGN_OR_RETURN(std::vector<Store::ModelAliasRow> all, AliasesOf(db, model));
  std::vector<std::string> out;
  for (const Store::ModelAliasRow& a : all) {
    if (version.empty() || a.version == version) out.push_back(a.alias);
  }
  return out;
}

// The "delete" revisions of `model`'s version `version` ("": of all its
// versions), before their rows are deleted.
absl::Status WriteVersionDeletions(WriteContext& ctx, std::string_view model,
                                   std::string_view version) {
  ASSIGN_OR_RETURN(
      Statement * s,
      ctx.db.Prepare(StrCat("INSERT INTO object_history(kind, name, revision, action, actor, "
                            "time, changes, spec) SELECT 'ModelVersion', model || '@' || version, "
                            "revision + 1, 'delete', ?, ?, '[]', spec FROM model_versions WHERE "
                            "model = ?",
                            version.empty() ? "" : " AND version = ?")));
  s->Bind(1, ctx.actor);
  s->Bind(2, ctx.now);
  s->Bind(3, model);
  if (!version.empty()) s->Bind(4, version);
  return s->Run();
}

}  // namespace

absl::StatusOr<Model> StoredModel(const std::string& name, const std::string& spec) {
  const nlohmann::json doc = nlohmann::json::parse(spec, nullptr, /*allow_exceptions=*/false);
  absl::StatusOr<ModelSpec> parsed = ModelSpecFromJson(doc);
  if (doc.is_discarded() || !parsed.ok()) {
    return absl::DataLossError(StrCat("model \"", name, "\": stored spec unreadable",
                                      parsed.ok() ? "" : StrCat(": ", MessageOf(parsed.status()))));
  }
  return Model{.name = name, .spec = *std::move(parsed)};
}

absl::StatusOr<ModelVersion> StoredModelVersion(const std::string& model,
                                                const std::string& version,
                                                const std::string& spec) {
  const nlohmann::json doc = nlohmann::json::parse(spec, nullptr, /*allow_exceptions=*/false);
  absl::StatusOr<ModelVersionSpec> parsed = ModelVersionSpecFromJson(doc);
  if (doc.is_discarded() || !parsed.ok()) {
    return absl::DataLossError(StrCat("model version \"", model, "@", version,
                                      "\": stored spec unreadable",
                                      parsed.ok() ? "" : StrCat(": ", MessageOf(parsed.status()))));
  }
  return ModelVersion{.model = model, .version = version, .spec = *std::move(parsed)};
}

absl::StatusOr<ApplyResult> ApplyModel(WriteContext& ctx, const Model& m,
                                       int64_t expected_revision) {
  ASSIGN_OR_RETURN(std::optional<Model> old, FindModel(ctx.db, m.name));
  Model now = m;
  ASSIGN_OR_RETURN(ApplyResult result,
                   WriteSpecRow(ctx,
                                {.table = "models",
                                 .key_column = "name",
                                 .kind = "Model",
                                 .audit = "model",
                                 .key = m.name,
                                 .domain = m.spec.domain,
                                 .spec = ModelSpecToJson(m.spec).dump()},
                                old ? &old->status : nullptr, old && old->spec == m.spec,
                                expected_revision, &now.status));
  if (result.outcome != ApplyOutcome::kUnchanged) {
    ctx.change.upserted.push_back({.kind = Resource::Kind::kModel, .model = std::move(now)});
  }
  return result;
}

absl::StatusOr<ApplyResult> ApplyModelVersion(WriteContext& ctx, const ModelVersion& v,
                                              int64_t expected_revision) {
  ApplyResult result{.kind = "ModelVersion", .name = v.Ref()};
  ASSIGN_OR_RETURN(std::optional<ModelVersion> old, FindVersion(ctx.db, v.model, v.version));
  RETURN_IF_ERROR(
      CheckExpected(expected_revision, old ? old->status.revision : 0, old.has_value()));
  if (old && old->spec == v.spec) {
    result.revision = old->status.revision;
    return result;
  }
  const int64_t before = old ? old->status.revision : 0;
  int64_t last = before;
  if (!old) {
    ASSIGN_OR_RETURN(last, LastHistoryRevision(ctx.db, "ModelVersion", v.Ref()));
  }
  result.revision = last + 1;
  result.outcome = old ? ApplyOutcome::kChanged : ApplyOutcome::kCreated;
  const nlohmann::json spec_json = ModelVersionSpecToJson(v.spec);
  const std::string spec = spec_json.dump();
  std::optional<nlohmann::json> old_spec;
  if (old) old_spec = ModelVersionSpecToJson(old->spec);
  RETURN_IF_ERROR(WriteObjectHistory(ctx, "ModelVersion", v.Ref(), result.revision,
                                     old_spec ? &*old_spec : nullptr, spec_json, spec));
  if (old) {
    ASSIGN_OR_RETURN(Statement * s,
                     ctx.db.Prepare("UPDATE model_versions SET spec = ?, revision = ?, "
                                    "updated_at = ?, updated_by = ? WHERE model = ? AND "
                                    "version = ?"));
    s->Bind(1, spec);
    s->Bind(2, result.revision);
    s->Bind(3, ctx.now);
    s->Bind(4, ctx.actor);
    s->Bind(5, v.model);
    s->Bind(6, v.version);
    RETURN_IF_ERROR(s->Run());
  } else {
    // Registered after every version the model has, deleted ones too.
    ASSIGN_OR_RETURN(
        Statement * s,
        ctx.db.Prepare("INSERT INTO model_versions(model, version, seq, spec, revision, "
                       "created_at, updated_at, updated_by) SELECT ?, ?, COALESCE(MAX(seq), 0) "
                       "+ 1, ?, ?, ?, ?, ? FROM model_versions WHERE model = ?"));
    s->Bind(1, v.model);
    s->Bind(2, v.version);
    s->Bind(3, spec);
    s->Bind(4, result.revision);
    s->Bind(5, ctx.now);
    s->Bind(6, ctx.now);
    s->Bind(7, ctx.actor);
    s->Bind(8, v.model);
    RETURN_IF_ERROR(s->Run());
  }
  RETURN_IF_ERROR(ctx.Audit(old ? "modelversion.update" : "modelversion.create", "ModelVersion",
                            v.Ref(), before, result.revision));
  ModelVersion now = v;
  now.status = old ? old->status : ObjectStatus{.created_at = ctx.now};
  now.status.revision = result.revision;
  now.status.updated_at = ctx.now;
  now.status.updated_by = ctx.actor;
  ctx.change.upserted.push_back(
      {.kind = Resource::Kind::kModelVersion, .model_version = std::move(now)});
  return result;
}

absl::Status RecordTraining(WriteContext& ctx, ModelVersion v,
                            const std::vector<TrainingInput>& inputs, const IngestGate& gate) {
  ASSIGN_OR_RETURN(std::optional<Model> model, FindModel(ctx.db, v.model));
  // Asked first: who may not register the version learns nothing of it.
  if (gate.may_register_model) RETURN_IF_ERROR(gate.may_register_model(v, model));
  ASSIGN_OR_RETURN(std::optional<ModelVersion> old, FindVersion(ctx.db, v.model, v.version));
  if (old && !(old->spec.run == v.spec.run)) {
    return absl::FailedPreconditionError(
        StrCat("model version \"", v.Ref(), "\" was made by ",
               old->spec.run.job.empty() ? std::string("a manifest")
                                         : StrCat("run ", old->spec.run.run_id, " of ",
                                                  old->spec.run.ns, "/", old->spec.run.job),
               "; a version's training data does not change: give the new model another "
               "version"));
  }
  if (!model) {
    Model made{.name = v.model};
    made.spec.owners = {{.principal = ctx.actor, .type = OwnershipType::kTechnical}};
    RETURN_IF_ERROR(ApplyModel(ctx, made, 0).status());
  }
  if (!old) RETURN_IF_ERROR(ApplyModelVersion(ctx, v, 0).status());
  // The same run reported again: its inputs as it reports them now.
  ASSIGN_OR_RETURN(Statement * del, ctx.db.Prepare("DELETE FROM model_training_inputs WHERE "
                                                   "model = ? AND version = ?"));
  del->Bind(1, v.model);
  del->Bind(2, v.version);
  RETURN_IF_ERROR(del->Run());
  for (const TrainingInput& in : inputs) {
    ASSIGN_OR_RETURN(
        Statement * s,
        ctx.db.Prepare("INSERT INTO model_training_inputs(model, version, namespace, name, "
                       "revision, schema_version, columns) VALUES (?, ?, ?, ?, ?, ?, ?) ON "
                       "CONFLICT DO NOTHING"));
    s->Bind(1, v.model);
    s->Bind(2, v.version);
    s->Bind(3, in.dataset.ns);
    s->Bind(4, in.dataset.name);
    s->Bind(5, in.revision);
    s->Bind(6, in.schema_version);
    s->Bind(7, in.columns);
    RETURN_IF_ERROR(s->Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<TrainingInput>> Store::TrainingInputs(std::string_view model,
                                                                 std::string_view version) {
  RETURN_IF_ERROR(ValidateModelName("model", model));
  RETURN_IF_ERROR(ValidateModelVersionId("version", version));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<TrainingInput>> {
    ASSIGN_OR_RETURN(std::optional<ModelVersion> v, FindVersion(db, model, version));
    if (!v) return VersionNotFound(model, version);
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("SELECT namespace, name, revision, schema_version, columns FROM "
                                "model_training_inputs WHERE model = ? AND version = ? ORDER "
                                "BY namespace, name"));
    s->Bind(1, model);
    s->Bind(2, version);
    std::vector<TrainingInput> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back({.dataset = {s->Text(0), s->Text(1)},
                     .revision = s->Int(2),
                     .schema_version = s->Int(3),
                     .columns = s->Text(4)});
    }
    return out;
  });
}

// The most points one RecordModelMetrics call takes.
constexpr size_t kMaxModelMetricPoints = 1000;

absl::Status Store::RecordModelMetrics(std::string_view model, std::string_view version,
                                       const std::vector<ModelMetricPoint>& points,
                                       std::string_view reporter) {
  RETURN_IF_ERROR(ValidateModelName("model", model));
  RETURN_IF_ERROR(ValidateModelVersionId("version", version));
  if (points.empty()) return absl::InvalidArgumentError("points: at least one is required");
  if (points.size() > kMaxModelMetricPoints) {
    return absl::InvalidArgumentError(
        StrCat("points: ", points.size(), " given; at most ", kMaxModelMetricPoints, " a call"));
  }
  for (size_t i = 0; i < points.size(); ++i) {
    RETURN_IF_ERROR(ValidateName(StrCat("points[", i, "].name"), points[i].name, 128));
    if (!std::isfinite(points[i].value)) {
      return absl::InvalidArgumentError(StrCat("points[", i, "].value: must be a finite number"));
    }
    if (points[i].at_ms <= 0) {
      return absl::InvalidArgumentError(StrCat("points[", i, "].time: is required"));
    }
  }
  // Observations: no revision, no audit event.
  return impl_
      ->Write("",
              [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
                RETURN_IF_ERROR(WriteModelMetrics(ctx, model, version, points, reporter));
                return int64_t{0};
              })
      .status();
}

absl::Status WriteModelMetrics(WriteContext& ctx, std::string_view model, std::string_view version,
                               const std::vector<ModelMetricPoint>& points,
                               std::string_view reporter) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  ASSIGN_OR_RETURN(std::optional<ModelVersion> v, FindVersion(ctx.db, model, version));
  if (!v) return VersionNotFound(model, version);
  ASSIGN_OR_RETURN(
      Statement * s,
      ctx.db.Prepare("INSERT INTO model_metrics(model, version, name, at_ms, value, reporter, "
                     "retained_from_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model, "
                     "version, name, at_ms) DO UPDATE SET value = excluded.value, reporter = "
                     "excluded.reporter, retained_from_ms = excluded.retained_from_ms"));
  for (const ModelMetricPoint& p : points) {
    s->Bind(1, model);
    s->Bind(2, version);
    s->Bind(3, p.name);
    s->Bind(4, p.at_ms);
    s->BindDouble(5, p.value);
    s->Bind(6, reporter);
    s->Bind(7, std::max(p.at_ms, now_ms));
    RETURN_IF_ERROR(s->Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ModelMetricPoint>> Store::ModelMetrics(
    std::string_view model, std::string_view version, int64_t since_ms,
    const std::vector<std::string>& names, int limit) {
  RETURN_IF_ERROR(ValidateModelName("model", model));
  if (!version.empty()) RETURN_IF_ERROR(ValidateModelVersionId("version", version));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<ModelMetricPoint>> {
    std::string sql =
        "SELECT version, name, value, at_ms, reporter FROM model_metrics WHERE model = ? AND "
        "at_ms >= ?";
    if (!version.empty()) sql += " AND version = ?";
    if (!names.empty()) {
      sql += " AND name IN (";
      for (size_t i = 0; i < names.size(); ++i) sql += i == 0 ? "?" : ", ?";
      sql += ")";
    }
    sql += " ORDER BY version, name, at_ms LIMIT ?";
    ASSIGN_OR_RETURN(Statement * s, db.Prepare(sql));
    int n = 1;
    s->Bind(n++, model);
    s->Bind(n++, since_ms);
    if (!version.empty()) s->Bind(n++, version);
    for (const std::string& name : names) s->Bind(n++, name);
    s->Bind(n++, static_cast<int64_t>(limit));
    std::vector<ModelMetricPoint> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back({.version = s->Text(0),
                     .name = s->Text(1),
                     .value = s->Double(2),
                     .at_ms = s->Int(3),
                     .reporter = s->Text(4)});
    }
    return out;
  });
}

absl::StatusOr<std::vector<std::pair<DatasetKey, std::string>>> Store::ModelsTrainedOn(
    const std::vector<DatasetKey>& datasets) {
  return impl_->Read(
      [&](Connection& db) -> absl::StatusOr<std::vector<std::pair<DatasetKey, std::string>>> {
        std::vector<std::pair<DatasetKey, std::string>> out;
        ASSIGN_OR_RETURN(Statement * s,
                         db.Prepare("SELECT model, version FROM model_training_inputs WHERE "
                                    "namespace = ? AND name = ? ORDER BY model, version"));
        for (const DatasetKey& k : datasets) {
          s->Bind(1, k.ns);
          s->Bind(2, k.name);
          while (true) {
            ASSIGN_OR_RETURN(bool row, s->Step());
            if (!row) break;
            out.emplace_back(k, StrCat(s->Text(0), "@", s->Text(1)));
          }
          s->Reset();
        }
        return out;
      });
}

absl::Status CheckModelReferences(Connection& db, const Model& m) {
  RETURN_IF_ERROR(CheckDomainExists(db, "spec.domain", m.spec.domain));
  for (size_t i = 0; i < m.spec.card.evaluation_data.size(); ++i) {
    const DatasetKey& k = m.spec.card.evaluation_data[i];
    ASSIGN_OR_RETURN(Statement * s, db.Prepare(kDatasetExists));
    s->Bind(1, k.ns);
    s->Bind(2, k.name);
    ASSIGN_OR_RETURN(bool row, s->Step());
    s->Reset();
    if (!row) {
      return absl::FailedPreconditionError(
          StrCat("spec.card.evaluationData[", i, "]: dataset \"", k.ToString(),
                 "\" does not exist; apply it first or in the same file"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckModelVersionReferences(Connection& db, const ModelVersion& v) {
  return CheckExists(db, kModelExists, v.model, "metadata.name", "model");
}

absl::StatusOr<Store::ModelEntry> Store::GetModel(std::string_view name) {
  RETURN_IF_ERROR(ValidateModelName("name", name));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<ModelEntry> {
    ASSIGN_OR_RETURN(std::optional<Model> m, FindModel(db, name));
    if (!m) return ModelNotFound(name);
    ModelEntry out{.model = *std::move(m)};
    ASSIGN_OR_RETURN(out.versions, CountVersions(db, name));
    ASSIGN_OR_RETURN(out.aliases, AliasesOf(db, name));
    return out;
  });
}

absl::StatusOr<std::vector<Store::ModelEntry>> Store::ListModels() {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<ModelEntry>> {
    ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat(kSelectModel, "ORDER BY name")));
    std::vector<ModelEntry> out;
    std::map<std::string, size_t, std::less<>> at;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      ASSIGN_OR_RETURN(Model m, ReadModel(*s));
      at.emplace(m.name, out.size());
      out.push_back({.model = std::move(m)});
    }
    ASSIGN_OR_RETURN(Statement * counts,
                     db.Prepare("SELECT model, COUNT(*) FROM model_versions GROUP BY model"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, counts->Step());
      if (!row) break;
      if (auto it = at.find(counts->Text(0)); it != at.end()) {
        out[it->second].versions = counts->Int(1);
      }
    }
    ASSIGN_OR_RETURN(Statement * aliases,
                     db.Prepare("SELECT model, alias, version, updated_at, updated_by FROM "
                                "model_aliases ORDER BY model, alias"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, aliases->Step());
      if (!row) break;
      if (auto it = at.find(aliases->Text(0)); it != at.end()) {
        out[it->second].aliases.push_back(
            {aliases->Text(1), aliases->Text(2), aliases->Text(3), aliases->Text(4)});
      }
    }
    return out;
  });
}

absl::StatusOr<int64_t> Store::DeleteModel(std::string_view name, int64_t expected_revision,
                                           std::string_view actor) {
  RETURN_IF_ERROR(ValidateModelName("name", name));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(std::optional<Model> m, FindModel(ctx.db, name));
    if (!m) return ModelNotFound(name);
    RETURN_IF_ERROR(CheckExpected(expected_revision, m->status.revision, true));
    ASSIGN_OR_RETURN(std::vector<std::string> aliases, AliasesPointingAt(ctx.db, name, ""));
    if (!aliases.empty()) {
      return absl::FailedPreconditionError(StrCat("model \"", name, "\" is in use: alias(es) ",
                                                  absl::StrJoin(aliases, ", "),
                                                  " point at its versions; unset them first"));
    }
    ASSIGN_OR_RETURN(std::vector<std::string> applications, ApplicationsOfModel(ctx.db, name));
    if (!applications.empty()) {
      return absl::FailedPreconditionError(
          StrCat("model \"", name, "\" is in use: AI application(s) ",
                 absl::StrJoin(applications, ", "), " call it; change them first"));
    }
    ASSIGN_OR_RETURN(Statement * versions,
                     ctx.db.Prepare("SELECT version FROM model_versions WHERE model = ?"));
    versions->Bind(1, name);
    while (true) {
      ASSIGN_OR_RETURN(bool row, versions->Step());
      if (!row) break;
      ctx.change.deleted_model_versions.push_back(StrCat(name, "@", versions->Text(0)));
    }
    RETURN_IF_ERROR(WriteVersionDeletions(ctx, name, ""));
    RETURN_IF_ERROR(
        WriteDeletionHistory(ctx, "models", "name", "Model", name, m->status.revision + 1));
    ASSIGN_OR_RETURN(Statement * drop_versions,
                     ctx.db.Prepare("DELETE FROM model_versions WHERE model = ?"));
    drop_versions->Bind(1, name);
    RETURN_IF_ERROR(drop_versions->Run());
    ASSIGN_OR_RETURN(Statement * s, ctx.db.Prepare("DELETE FROM models WHERE name = ?"));
    s->Bind(1, name);
    RETURN_IF_ERROR(s->Run());
    RETURN_IF_ERROR(
        ctx.Audit("model.delete", "Model", name, m->status.revision, m->status.revision + 1));
    ctx.change.deleted_models.push_back(std::string(name));
    return ctx.catalog_revision;
  });
}

absl::StatusOr<ModelVersion> Store::GetModelVersion(std::string_view model,
                                                    std::string_view version) {
  RETURN_IF_ERROR(ValidateModelName("model", model));
  RETURN_IF_ERROR(ValidateModelVersionId("version", version));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<ModelVersion> {
    ASSIGN_OR_RETURN(std::optional<ModelVersion> v, FindVersion(db, model, version));
    if (!v) return VersionNotFound(model, version);
    return *std::move(v);
  });
}

absl::StatusOr<std::vector<ModelVersion>> Store::ListModelVersions(std::string_view model) {
  RETURN_IF_ERROR(ValidateModelName("model", model));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<ModelVersion>> {
    ASSIGN_OR_RETURN(std::optional<Model> m, FindModel(db, model));
    if (!m) return ModelNotFound(model);
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare(StrCat(kSelectVersion, "WHERE model = ? ORDER BY seq")));
    s->Bind(1, model);
    std::vector<ModelVersion> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      ASSIGN_OR_RETURN(ModelVersion v, ReadVersion(*s));
      out.push_back(std::move(v));
    }
    return out;
  });
}

absl::StatusOr<int64_t> Store::DeleteModelVersion(std::string_view model, std::string_view version,
                                                  int64_t expected_revision,
                                                  std::string_view actor) {
  RETURN_IF_ERROR(ValidateModelName("model", model));
  RETURN_IF_ERROR(ValidateModelVersionId("version", version));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(std::optional<ModelVersion> v, FindVersion(ctx.db, model, version));
    if (!v) return VersionNotFound(model, version);
    RETURN_IF_ERROR(CheckExpected(expected_revision, v->status.revision, true));
    ASSIGN_OR_RETURN(std::vector<std::string> aliases, AliasesPointingAt(ctx.db, model, version));
    if (!aliases.empty()) {
      return absl::FailedPreconditionError(StrCat(
          "model version \"", v->Ref(), "\" is in use: alias(es) ", absl::StrJoin(aliases, ", "),
          " point at it; promote another version or unset "
          "them first"));
    }
    RETURN_IF_ERROR(WriteVersionDeletions(ctx, model, version));
    ASSIGN_OR_RETURN(Statement * s, ctx.db.Prepare("DELETE FROM model_versions WHERE model = ? "
                                                   "AND version = ?"));
    s->Bind(1, model);
    s->Bind(2, version);
    RETURN_IF_ERROR(s->Run());
    RETURN_IF_ERROR(ctx.Audit("modelversion.delete", "ModelVersion", v->Ref(), v->status.revision,
                              v->status.revision + 1));
    ctx.change.deleted_model_versions.push_back(v->Ref());
    return ctx.catalog_revision;
  });
}

absl::StatusOr<Store::Promotion> Store::SetModelAlias(std::string_view model,
                                                      std::string_view alias,
                                                      std::string_view version,
                                                      const std::optional<std::string>& expected,
                                                      std::string_view actor) {
  RETURN_IF_ERROR(ValidateModelName("model", model));
  RETURN_IF_ERROR(ValidateModelAlias("alias", alias));
  RETURN_IF_ERROR(ValidateModelVersionId("version", version));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<Promotion> {
    ASSIGN_OR_RETURN(std::optional<ModelVersion> v, FindVersion(ctx.db, model, version));
    if (!v) return VersionNotFound(model, version);
    Promotion out;
    ASSIGN_OR_RETURN(out.previous, AliasTarget(ctx.db, model, alias));
    if (expected && *expected != out.previous) {
      return absl::AbortedError(
          StrCat("alias \"", alias, "\" of model \"", model, "\" points at ",
                 out.previous.empty() ? "nothing" : StrCat("version ", out.previous), ", not ",
                 expected->empty() ? "nothing" : StrCat("version ", *expected), "; read it again"));
    }
    if (out.previous == version) return out;  // nothing to write
    ASSIGN_OR_RETURN(
        Statement * s,
        ctx.db.Prepare("INSERT INTO model_aliases(model, alias, version, updated_at, updated_by) "
                       "VALUES (?, ?, ?, ?, ?) ON CONFLICT(model, alias) DO UPDATE SET version "
                       "= excluded.version, updated_at = excluded.updated_at, updated_by = "
                       "excluded.updated_by"));
    s->Bind(1, model);
    s->Bind(2, alias);
    s->Bind(3, version);
    s->Bind(4, ctx.now);
    s->Bind(5, ctx.actor);
    RETURN_IF_ERROR(s->Run());
    // Audited as the alias "model:alias" moving between versions, by
    // their registration numbers (0: unset).
    ASSIGN_OR_RETURN(int64_t from, SeqOf(ctx.db, model, out.previous));
    ASSIGN_OR_RETURN(int64_t to, SeqOf(ctx.db, model, version));
    RETURN_IF_ERROR(ctx.Audit("model.promote", "ModelAlias", StrCat(model, ":", alias), from, to));
    out.catalog_revision = ctx.catalog_revision;
    return out;
  });
}

absl::StatusOr<Store::Promotion> Store::UnsetModelAlias(std::string_view model,
                                                        std::string_view alias,
                                                        std::string_view actor) {
  RETURN_IF_ERROR(ValidateModelName("model", model));
  RETURN_IF_ERROR(ValidateModelAlias("alias", alias));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<Promotion> {
    Promotion out;
    ASSIGN_OR_RETURN(out.previous, AliasTarget(ctx.db, model, alias));
    if (out.previous.empty()) {
      return absl::NotFoundError(
          StrCat("alias \"", alias, "\" of model \"", model, "\" is not set"));
    }
    ASSIGN_OR_RETURN(Statement * s,
                     ctx.db.Prepare("DELETE FROM model_aliases WHERE model = ? AND alias = ?"));
    s->Bind(1, model);
    s->Bind(2, alias);
    RETURN_IF_ERROR(s->Run());
    ASSIGN_OR_RETURN(int64_t from, SeqOf(ctx.db, model, out.previous));
    RETURN_IF_ERROR(ctx.Audit("model.unalias", "ModelAlias", StrCat(model, ":", alias), from, 0));
    out.catalog_revision = ctx.catalog_revision;
    return out;
  });
}

}  // namespace catalog::store

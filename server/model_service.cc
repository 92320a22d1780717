#include "server/model_service.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>

#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/words.h"
#include "proto/convert.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"
#include "server/governance/promotion.h"
#include "server/object_history.h"
#include "server/quality_service.h"
#include "lib/lineage/event.h"
#include "lib/util/time.h"

namespace catalog::server {
namespace {

absl::Status ModelNotFound(std::string_view name) {
  return absl::NotFoundError(StrCat("model \"", name, "\" not found"));
}

absl::Status VersionNotFound(std::string_view model, std::string_view version) {
  return absl::NotFoundError(StrCat("model version \"", model, "@", version, "\" not found"));
}

// A model with its version count and aliases, as `may_read` lets the
// caller see it: an alias to a version it may not read, and a card's
// evaluation dataset it may not read, are left out.
void EntryToProto(const store::Store::ModelEntry& e,
                  const std::function<bool(const policy::EntityUid&)>& may_read, v1::Model* out) {
  *out = ToProto(e.model);
  out->set_versions(e.versions);
  out->mutable_card()->clear_evaluation_data();
  for (const DatasetKey& k : e.model.spec.card.evaluation_data) {
    if (may_read(authz::DatasetUid(k))) *out->mutable_card()->add_evaluation_data() = ToProto(k);
  }
  for (const store::Store::ModelAliasRow& a : e.aliases) {
    if (!may_read(authz::ModelVersionUid(e.model.name, a.version))) continue;
    v1::ModelAlias* alias = out->add_aliases();
    alias->set_alias(a.alias);
    alias->set_version(a.version);
    alias->set_updated_at(a.updated_at);
    alias->set_updated_by(a.updated_by);
  }
}

// Whether every word of `query` is in the model's name, description or a
// tag.
bool Matches(const Model& m, const WordQuery& query) {
  if (query.empty()) return true;
  std::string text = StrCat(m.name, "\n", m.spec.description);
  for (const std::string& t : m.spec.tags) text += "\n" + t;
  return query.Matches(text);
}

}  // namespace

bool ModelServiceImpl::MayRead(const std::string& caller, const policy::EntityUid& uid) const {
  return Require(*authorizer_, caller, "catalog:read", uid).ok();
}

absl::StatusOr<std::vector<std::string>> ModelServiceImpl::JudgePromotion(
    const std::string& caller, const std::string& model, const std::string& version,
    const std::string& alias) const {
  std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
  const std::vector<governance::Rule>& rules = snapshot->rules();
  // Most catalogs have no promotion rule: then nothing is read.
  if (std::none_of(rules.begin(), rules.end(), [](const governance::Rule& r) {
        return r.covers.kind == governance::CoveredKind::kModelVersion;
      })) {
    return std::vector<std::string>{};
  }
  ASSIGN_OR_RETURN(store::Store::ModelEntry entry, store_->GetModel(model));
  if (!governance::AnyPromotionRule(rules, entry.model, alias)) return std::vector<std::string>{};
  ASSIGN_OR_RETURN(ModelVersion v, store_->GetModelVersion(model, version));
  ASSIGN_OR_RETURN(std::vector<store::TrainingInput> trained,
                   store_->TrainingInputs(model, version));
  governance::PromotionSubject subject{.model = &entry.model, .version = &v, .alias = alias};
  for (const store::TrainingInput& in : trained) {
    absl::StatusOr<Dataset> current = store_->GetDataset(in.dataset);
    if (!current.ok() && !absl::IsNotFound(current.status())) return current.status();
    ASSIGN_OR_RETURN(
        store::Page<store::IncidentRecord> open,
        store_->ListIncidents({.dataset = in.dataset, .state = "open"}, {.page_size = 1000}));
    subject.inputs.push_back(governance::InputFacts::Of(
        in.dataset, in.revision, in.schema_version, in.columns, current.ok() ? &*current : nullptr,
        static_cast<int64_t>(open.items.size())));
  }
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const governance::WriteVerdict verdict = governance::JudgePromotion(
      rules, subject, snapshot->entities(), now_ms,
      [&](const DatasetKey& k) { return MayRead(caller, authz::DatasetUid(k)); });
  RETURN_IF_ERROR(governance::Refusal(verdict));
  return verdict.warnings;
}

absl::Status ModelServiceImpl::ReadableModel(const std::string& caller,
                                             std::string_view name) const {
  RETURN_IF_ERROR(ValidateModelName("model", name));
  RETURN_IF_ERROR(DecisionsReady(*authorizer_));
  if (!MayRead(caller, authz::ModelUid(name))) return ModelNotFound(name);
  return absl::OkStatus();
}

absl::Status ModelServiceImpl::ReadableVersion(const std::string& caller, std::string_view model,
                                               std::string_view version) const {
  RETURN_IF_ERROR(ValidateModelName("model", model));
  RETURN_IF_ERROR(ValidateModelVersionId("version", version));
  RETURN_IF_ERROR(DecisionsReady(*authorizer_));
  if (!MayRead(caller, authz::ModelVersionUid(model, version))) {
    return VersionNotFound(model, version);
  }
  return absl::OkStatus();
}

grpc::Status ModelServiceImpl::GetModel(grpc::ServerContext* context,
                                        const v1::GetModelRequest* request, v1::Model* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ReadableModel(caller, request->name()));
    ASSIGN_OR_RETURN(store::Store::ModelEntry e, store_->GetModel(request->name()));
    EntryToProto(
        e, [&](const policy::EntityUid& uid) { return MayRead(caller, uid); }, response);
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::ListModels(grpc::ServerContext* context,
                                          const v1::ListModelsRequest* request,
                                          v1::ListModelsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    if (!request->domain().empty()) {
      RETURN_IF_ERROR(ValidateDomainPath("domain", request->domain()));
    }
    RETURN_IF_ERROR(ValidateText("query", request->query(), kMaxShortNameBytes));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    const WordQuery words(request->query());
    const bool reads_all = AllowedOnEverything(*authorizer_, caller, "catalog:read");
    ASSIGN_OR_RETURN(std::vector<store::Store::ModelEntry> all, store_->ListModels());
    for (const store::Store::ModelEntry& e : all) {
      if (!request->domain().empty() && !InDomain(e.model.spec.domain, request->domain())) {
        continue;
      }
      if (!Matches(e.model, words)) continue;
      if (!reads_all &&
          !Permits(*authorizer_, caller, "catalog:read", authz::ModelUid(e.model.name))) {
        continue;
      }
      EntryToProto(
          e,
          [&](const policy::EntityUid& uid) {
            return reads_all || Permits(*authorizer_, caller, "catalog:read", uid);
          },
          response->add_models());
    }
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::DeleteModel(grpc::ServerContext* context,
                                           const v1::DeleteModelRequest* request,
                                           v1::DeleteResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ReadableModel(caller, request->name()));
    RETURN_IF_ERROR(
        Require(*authorizer_, caller, "catalog:write", authz::ModelUid(request->name())));
    if (request->expected_revision() < 0) {
      return absl::InvalidArgumentError("expected_revision: must not be negative");
    }
    ASSIGN_OR_RETURN(int64_t revision,
                     store_->DeleteModel(request->name(), request->expected_revision(), caller));
    response->set_catalog_revision(revision);
    return absl::OkStatus();
  });
}

absl::StatusOr<ModelServiceImpl::Named> ModelServiceImpl::NamedVersion(
    const std::string& caller, const std::string& model, const std::string& version,
    const std::string& alias) const {
  if (version.empty() == alias.empty()) {
    return absl::InvalidArgumentError("version, alias: give one of the two");
  }
  RETURN_IF_ERROR(ReadableModel(caller, model));
  if (!alias.empty()) RETURN_IF_ERROR(ValidateModelAlias("alias", alias));
  ASSIGN_OR_RETURN(store::Store::ModelEntry e, store_->GetModel(model));
  Named out{.version = version};
  if (!alias.empty()) {
    for (const store::Store::ModelAliasRow& a : e.aliases) {
      if (a.alias == alias) out.version = a.version;
    }
    // An alias to a version the caller may not read is, to it, not set.
    if (out.version.empty() || !MayRead(caller, authz::ModelVersionUid(model, out.version))) {
      return absl::NotFoundError(
          StrCat("alias \"", alias, "\" of model \"", model, "\" is not set"));
    }
  } else {
    RETURN_IF_ERROR(ReadableVersion(caller, model, out.version));
  }
  for (const store::Store::ModelAliasRow& a : e.aliases) {
    if (a.version == out.version) out.aliases.push_back(a.alias);
  }
  return out;
}

grpc::Status ModelServiceImpl::GetModelVersion(grpc::ServerContext* context,
                                               const v1::GetModelVersionRequest* request,
                                               v1::ModelVersion* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(Named named,
                     NamedVersion(caller, request->model(), request->version(), request->alias()));
    ASSIGN_OR_RETURN(ModelVersion v, store_->GetModelVersion(request->model(), named.version));
    *response = ToProto(v);
    for (const std::string& a : named.aliases) response->add_aliases(a);
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::GetModelHistory(grpc::ServerContext* context,
                                               const v1::GetModelHistoryRequest* request,
                                               v1::ObjectHistoryResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    const std::string& model = request->model();
    const std::string& version = request->version();
    RETURN_IF_ERROR(ValidateModelName("model", model));
    if (!version.empty()) RETURN_IF_ERROR(ValidateModelVersionId("version", version));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    auto may_read = [&](const policy::EntityUid& uid) { return MayRead(caller, uid); };
    ASSIGN_OR_RETURN(std::vector<store::Revision<Model>> models, store_->ModelHistory(model));
    if (version.empty()) {
      ASSIGN_OR_RETURN(
          std::vector<store::Revision<Model>> readable,
          ReadableRevisions(
              *authorizer_, caller, authz::ModelUid(model), std::move(models),
              [](const Model& m, const policy::EntityView& entities) {
                policy::Entities out;
                out.Add(authz::Placed(authz::ModelEntity(m), entities));
                return out;
              },
              ModelNotFound(model)));
      RevisionsToProto(
          readable,
          [&](const Model& m, v1::ObjectRevision* e) {
            EntryToProto({.model = m}, may_read, e->mutable_model());
          },
          response);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::vector<store::Revision<ModelVersion>> revisions,
                     store_->ModelVersionHistory(model, version));
    // Each revision of the version in its model as the model was then (the
    // last model revision written at or before it): a name deleted and
    // created again is judged as the model it belonged to.
    auto model_then = [&](const ModelVersion& v) -> const Model* {
      const Model* then = nullptr;
      for (const store::Revision<Model>& m : models) {
        if (m.time <= v.status.updated_at) then = &m.object;
      }
      return then;
    };
    ASSIGN_OR_RETURN(
        std::vector<store::Revision<ModelVersion>> readable,
        ReadableRevisions(
            *authorizer_, caller, authz::ModelVersionUid(model, version), std::move(revisions),
            [&](const ModelVersion& v, const policy::EntityView& entities) {
              return authz::ProposedVersion(v, model_then(v), entities);
            },
            VersionNotFound(model, version)));
    RevisionsToProto(
        readable,
        [&](const ModelVersion& v, v1::ObjectRevision* e) { *e->mutable_model_version() = ToProto(v); },
        response);
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::GetModelLineage(grpc::ServerContext* context,
                                               const v1::GetModelLineageRequest* request,
                                               v1::ModelLineage* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(Named named,
                     NamedVersion(caller, request->model(), request->version(), request->alias()));
    ASSIGN_OR_RETURN(ModelVersion v, store_->GetModelVersion(request->model(), named.version));
    ASSIGN_OR_RETURN(std::vector<store::TrainingInput> inputs,
                     store_->TrainingInputs(request->model(), named.version));
    response->set_model(v.model);
    response->set_version(v.version);
    *response->mutable_run() = ToProto(v).run();
    for (const store::TrainingInput& in : inputs) {
      // A dataset the caller may not read is counted, never named.
      if (!MayRead(caller, authz::DatasetUid(in.dataset))) {
        response->set_hidden_inputs(response->hidden_inputs() + 1);
        continue;
      }
      v1::TrainingInput* out = response->add_inputs();
      *out->mutable_dataset() = ToProto(in.dataset);
      out->set_revision(in.revision);
      out->set_schema_version(in.schema_version);
      const nlohmann::json columns = nlohmann::json::parse(in.columns, nullptr, false);
      if (!columns.is_array()) continue;
      for (const nlohmann::json& c : columns) {
        v1::TrainingColumn* col = out->add_columns();
        col->set_field(c.value("field", ""));
        col->set_input_field(c.value("input", ""));
        for (const nlohmann::json& t : c.value("transformations", nlohmann::json::array())) {
          col->set_masking(col->masking() || t.value("masking", false));
          col->add_transformations(StrCat(t.value("type", ""), "/", t.value("subtype", "")));
        }
      }
    }
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::ListModelVersions(grpc::ServerContext* context,
                                                 const v1::ListModelVersionsRequest* request,
                                                 v1::ListModelVersionsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ReadableModel(caller, request->model()));
    ASSIGN_OR_RETURN(store::Store::ModelEntry e, store_->GetModel(request->model()));
    ASSIGN_OR_RETURN(std::vector<ModelVersion> versions,
                     store_->ListModelVersions(request->model()));
    for (const ModelVersion& v : versions) {
      if (!MayRead(caller, authz::ModelVersionUid(v.model, v.version))) continue;
      v1::ModelVersion* out = response->add_versions();
      *out = ToProto(v);
      for (const store::Store::ModelAliasRow& a : e.aliases) {
        if (a.version == v.version) out->add_aliases(a.alias);
      }
    }
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::DeleteModelVersion(grpc::ServerContext* context,
                                                  const v1::DeleteModelVersionRequest* request,
                                                  v1::DeleteResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ReadableVersion(caller, request->model(), request->version()));
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:write",
                            authz::ModelVersionUid(request->model(), request->version())));
    if (request->expected_revision() < 0) {
      return absl::InvalidArgumentError("expected_revision: must not be negative");
    }
    ASSIGN_OR_RETURN(int64_t revision,
                     store_->DeleteModelVersion(request->model(), request->version(),
                                                request->expected_revision(), caller));
    response->set_catalog_revision(revision);
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::PromoteModelVersion(grpc::ServerContext* context,
                                                   const v1::PromoteModelVersionRequest* request,
                                                   v1::PromoteModelVersionResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ValidateModelAlias("alias", request->alias()));
    if (request->has_expected_version() && !request->expected_version().empty()) {
      RETURN_IF_ERROR(ValidateModelVersionId("expected_version", request->expected_version()));
    }
    RETURN_IF_ERROR(ReadableVersion(caller, request->model(), request->version()));
    // Moving an alias is its own permission: who registers versions need
    // not be who puts one in production.
    RETURN_IF_ERROR(Require(*authorizer_, caller, "model:promote",
                            authz::ModelVersionUid(request->model(), request->version())));
    ASSIGN_OR_RETURN(
        std::vector<std::string> warnings,
        JudgePromotion(caller, request->model(), request->version(), request->alias()));
    std::optional<std::string> expected;
    if (request->has_expected_version()) expected = request->expected_version();
    ASSIGN_OR_RETURN(store::Store::Promotion p,
                     store_->SetModelAlias(request->model(), request->alias(), request->version(),
                                           expected, caller));
    for (std::string& w : warnings) response->add_warnings(std::move(w));
    response->set_previous_version(p.previous);
    response->set_catalog_revision(p.catalog_revision);
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::UnsetModelAlias(grpc::ServerContext* context,
                                               const v1::UnsetModelAliasRequest* request,
                                               v1::DeleteResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ValidateModelAlias("alias", request->alias()));
    ASSIGN_OR_RETURN(Named named, NamedVersion(caller, request->model(), "", request->alias()));
    RETURN_IF_ERROR(Require(*authorizer_, caller, "model:promote",
                            authz::ModelVersionUid(request->model(), named.version)));
    ASSIGN_OR_RETURN(store::Store::Promotion p,
                     store_->UnsetModelAlias(request->model(), request->alias(), caller));
    response->set_catalog_revision(p.catalog_revision);
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::RecordModelMetrics(grpc::ServerContext* context,
                                                  const v1::RecordModelMetricsRequest* request,
                                                  v1::RecordModelMetricsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ValidateModelName("model", request->model()));
    RETURN_IF_ERROR(ValidateModelVersionId("version", request->version()));
    RETURN_IF_ERROR(ReadableVersion(caller, request->model(), request->version()));
    RETURN_IF_ERROR(store_->GetModelVersion(request->model(), request->version()).status());
    // Monitoring writes what the version's writers may: its owners, or a
    // monitoring job a policy lets write it.
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:write",
                            authz::ModelVersionUid(request->model(), request->version())));
    std::vector<store::ModelMetricPoint> points;
    for (int i = 0; i < request->points_size(); ++i) {
      const v1::ModelMetricPoint& p = request->points(i);
      absl::StatusOr<int64_t> at = lineage::ParseEventTime(p.time());
      if (!at.ok()) {
        return absl::InvalidArgumentError(
            StrCat("points[", i, "].time: \"", p.time().substr(0, 64),
                   "\" is not an RFC 3339 time (2026-12-04T10:00:00Z)"));
      }
      points.push_back({.name = p.name(), .value = p.value(), .at_ms = *at});
    }
    RETURN_IF_ERROR(
        store_->RecordModelMetrics(request->model(), request->version(), points, caller));
    response->set_recorded(static_cast<int32_t>(points.size()));
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::GetModelMetrics(grpc::ServerContext* context,
                                               const v1::GetModelMetricsRequest* request,
                                               v1::GetModelMetricsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ValidateModelName("model", request->model()));
    if (request->limit() < 0 || request->limit() > 100'000) {
      return absl::InvalidArgumentError("limit: must be between 0 (10,000) and 100,000");
    }
    std::string version;
    if (!request->version().empty() || !request->alias().empty()) {
      ASSIGN_OR_RETURN(Named named, NamedVersion(caller, request->model(), request->version(),
                                                 request->alias()));
      version = named.version;
    } else {
      RETURN_IF_ERROR(ReadableModel(caller, request->model()));
      RETURN_IF_ERROR(store_->GetModel(request->model()).status());
    }
    ASSIGN_OR_RETURN(int64_t since_ms,
                     SinceMs("since", request->since(), std::chrono::system_clock::now()));
    const int limit = request->limit() == 0 ? 10'000 : request->limit();
    std::vector<std::string> names(request->names().begin(), request->names().end());
    ASSIGN_OR_RETURN(std::vector<store::ModelMetricPoint> points,
                     store_->ModelMetrics(request->model(), version, since_ms, names, limit + 1));
    if (points.size() > static_cast<size_t>(limit)) {
      points.resize(static_cast<size_t>(limit));
      response->set_truncated(true);
    }
    // Of every version: those the caller may read (asked once a version).
    std::string last;
    bool readable = true;
    for (const store::ModelMetricPoint& p : points) {
      if (p.version != last) {
        last = p.version;
        readable = !version.empty() ||
                   MayRead(caller, authz::ModelVersionUid(request->model(), p.version));
      }
      if (!readable) continue;
      v1::ModelMetricPoint* out = response->add_points();
      out->set_version(p.version);
      out->set_name(p.name);
      out->set_value(p.value);
      out->set_time(FormatMs(p.at_ms));
      out->set_reporter(p.reporter);
    }
    return absl::OkStatus();
  });
}

namespace {

absl::Status FeatureViewNotFound(std::string_view name) {
  return absl::NotFoundError(StrCat("feature view \"", name, "\" not found"));
}

// Whether every word of `query` is in the view's name, description, a tag
// or a feature's name.
bool Matches(const FeatureView& v, const WordQuery& query) {
  if (query.empty()) return true;
  std::string text = StrCat(v.name, "\n", v.spec.description);
  for (const std::string& t : v.spec.tags) text += "\n" + t;
  for (const Feature& f : v.spec.features) text += "\n" + f.name;
  return query.Matches(text);
}

}  // namespace

grpc::Status ModelServiceImpl::GetFeatureViewHistory(
    grpc::ServerContext* context, const v1::GetFeatureViewHistoryRequest* request,
    v1::ObjectHistoryResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    const std::string& name = request->name();
    RETURN_IF_ERROR(ValidateName("name", name, kMaxModelNameBytes));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    ASSIGN_OR_RETURN(std::vector<store::Revision<FeatureView>> revisions,
                     store_->FeatureViewHistory(name));
    ASSIGN_OR_RETURN(
        std::vector<store::Revision<FeatureView>> readable,
        ReadableRevisions(
            *authorizer_, caller, authz::FeatureViewUid(name), std::move(revisions),
            [](const FeatureView& v, const policy::EntityView& entities) {
              policy::Entities out;
              out.Add(authz::Placed(authz::FeatureViewEntity(v), entities));
              return out;
            },
            FeatureViewNotFound(name)));
    RevisionsToProto(
        readable,
        [&](const FeatureView& v, v1::ObjectRevision* e) {
          *e->mutable_feature_view() = ToProto(v);
          if (!MayRead(caller, authz::DatasetUid(v.spec.source))) {
            e->mutable_feature_view()->clear_source();
          }
        },
        response);
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::GetFeatureView(grpc::ServerContext* context,
                                              const v1::GetFeatureViewRequest* request,
                                              v1::FeatureView* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ValidateName("name", request->name(), kMaxModelNameBytes));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    if (!MayRead(caller, authz::FeatureViewUid(request->name()))) {
      return FeatureViewNotFound(request->name());
    }
    ASSIGN_OR_RETURN(FeatureView v, store_->GetFeatureView(request->name()));
    *response = ToProto(v);
    // Its source is named only to who may read it.
    if (!MayRead(caller, authz::DatasetUid(v.spec.source))) response->clear_source();
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::ListFeatureViews(grpc::ServerContext* context,
                                                const v1::ListFeatureViewsRequest* request,
                                                v1::ListFeatureViewsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    if (!request->domain().empty()) {
      RETURN_IF_ERROR(ValidateDomainPath("domain", request->domain()));
    }
    RETURN_IF_ERROR(ValidateText("query", request->query(), kMaxShortNameBytes));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    const WordQuery words(request->query());
    const bool reads_all = AllowedOnEverything(*authorizer_, caller, "catalog:read");
    auto may_read = [&](const policy::EntityUid& uid) {
      return reads_all || Permits(*authorizer_, caller, "catalog:read", uid);
    };
    ASSIGN_OR_RETURN(std::vector<FeatureView> all, store_->ListFeatureViews());
    for (const FeatureView& v : all) {
      if (!request->domain().empty() && !InDomain(v.spec.domain, request->domain())) continue;
      if (!Matches(v, words) || !may_read(authz::FeatureViewUid(v.name))) continue;
      v1::FeatureView* out = response->add_feature_views();
      *out = ToProto(v);
      if (!may_read(authz::DatasetUid(v.spec.source))) out->clear_source();
    }
    return absl::OkStatus();
  });
}

grpc::Status ModelServiceImpl::DeleteFeatureView(grpc::ServerContext* context,
                                                 const v1::DeleteFeatureViewRequest* request,
                                                 v1::DeleteResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ValidateName("name", request->name(), kMaxModelNameBytes));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    if (!MayRead(caller, authz::FeatureViewUid(request->name()))) {
      return FeatureViewNotFound(request->name());
    }
    RETURN_IF_ERROR(
        Require(*authorizer_, caller, "catalog:write", authz::FeatureViewUid(request->name())));
    if (request->expected_revision() < 0) {
      return absl::InvalidArgumentError("expected_revision: must not be negative");
    }
    ASSIGN_OR_RETURN(int64_t revision, store_->DeleteFeatureView(
                                           request->name(), request->expected_revision(), caller));
    response->set_catalog_revision(revision);
    return absl::OkStatus();
  });
}

}  // namespace catalog::server

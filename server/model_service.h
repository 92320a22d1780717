// catalog.v1.ModelService: models and their versions (docs/models.md), and
// feature views (docs/models.md#feature-views),
// read under the caller's policies, deleted by their writers, and aliases
// moved by who may promote (model:promote on the version).
#pragma once

#include "catalog/v1/model.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::server {

class ModelServiceImpl final : public v1::ModelService::Service {
 public:
  ModelServiceImpl(store::Store* store, const Authenticator* auth,
                   const authz::Authorizer* authorizer)
      : store_(store), auth_(auth), authorizer_(authorizer) {}

  grpc::Status GetModel(grpc::ServerContext* context, const v1::GetModelRequest* request,
                        v1::Model* response) override;
  grpc::Status ListModels(grpc::ServerContext* context, const v1::ListModelsRequest* request,
                          v1::ListModelsResponse* response) override;
  grpc::Status DeleteModel(grpc::ServerContext* context, const v1::DeleteModelRequest* request,
                           v1::DeleteResponse* response) override;
  grpc::Status GetModelVersion(grpc::ServerContext* context,
                               const v1::GetModelVersionRequest* request,
                               v1::ModelVersion* response) override;
  grpc::Status ListModelVersions(grpc::ServerContext* context,
                                 const v1::ListModelVersionsRequest* request,
                                 v1::ListModelVersionsResponse* response) override;
  grpc::Status DeleteModelVersion(grpc::ServerContext* context,
                                  const v1::DeleteModelVersionRequest* request,
                                  v1::DeleteResponse* response) override;
  grpc::Status PromoteModelVersion(grpc::ServerContext* context,
                                   const v1::PromoteModelVersionRequest* request,
                                   v1::PromoteModelVersionResponse* response) override;
  grpc::Status UnsetModelAlias(grpc::ServerContext* context,
                               const v1::UnsetModelAliasRequest* request,
                               v1::DeleteResponse* response) override;
  grpc::Status GetModelLineage(grpc::ServerContext* context,
                               const v1::GetModelLineageRequest* request,
                               v1::ModelLineage* response) override;
  grpc::Status RecordModelMetrics(grpc::ServerContext* context,
                                  const v1::RecordModelMetricsRequest* request,
                                  v1::RecordModelMetricsResponse* response) override;
  grpc::Status GetModelMetrics(grpc::ServerContext* context,
                               const v1::GetModelMetricsRequest* request,
                               v1::GetModelMetricsResponse* response) override;
  grpc::Status GetModelHistory(grpc::ServerContext* context,
                               const v1::GetModelHistoryRequest* request,
                               v1::ObjectHistoryResponse* response) override;
  grpc::Status GetFeatureViewHistory(grpc::ServerContext* context,
                                     const v1::GetFeatureViewHistoryRequest* request,
                                     v1::ObjectHistoryResponse* response) override;
  grpc::Status GetFeatureView(grpc::ServerContext* context,
                              const v1::GetFeatureViewRequest* request,
                              v1::FeatureView* response) override;
  grpc::Status ListFeatureViews(grpc::ServerContext* context,
                                const v1::ListFeatureViewsRequest* request,
                                v1::ListFeatureViewsResponse* response) override;
  grpc::Status DeleteFeatureView(grpc::ServerContext* context,
                                 const v1::DeleteFeatureViewRequest* request,
                                 v1::DeleteResponse* response) override;

 private:
  // The version a request names (by id, or by an alias of its model) and
  // the aliases pointing at it, once `caller` may read both.
  struct Named {
    std::string version;
    std::vector<std::string> aliases;
  };
  absl::StatusOr<Named> NamedVersion(const std::string& caller, const std::string& model,
                                     const std::string& version, const std::string& alias) const;
  bool MayRead(const std::string& caller, const policy::EntityUid& uid) const;
  // The governance rules' verdict on moving `alias` of `model` to
  // `version`: FAILED_PRECONDITION when a blocking rule refuses it, else
  // the warnings.
  absl::StatusOr<std::vector<std::string>> JudgePromotion(const std::string& caller,
                                                          const std::string& model,
                                                          const std::string& version,
                                                          const std::string& alias) const;
  // NOT_FOUND (the same words as for a model that does not exist) unless
  // `caller` may read model `name`.
  absl::Status ReadableModel(const std::string& caller, std::string_view name) const;
  // The same for a version.
  absl::Status ReadableVersion(const std::string& caller, std::string_view model,
                               std::string_view version) const;

  store::Store* store_;
  const Authenticator* auth_;
  const authz::Authorizer* authorizer_;
};

}  // namespace catalog::server

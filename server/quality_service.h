// catalog.v1.QualityService: a dataset's quality results (checks and
// measurements from OpenLineage events) and its health, for those who may
// catalog:read the dataset.
#pragma once

#include <chrono>

#include "catalog/v1/quality.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::server {

class QualityServiceImpl final : public v1::QualityService::Service {
 public:
  QualityServiceImpl(store::Store* store, const Authenticator* auth,
                     const authz::Authorizer* authorizer)
      : store_(store), auth_(auth), authorizer_(authorizer) {}

  grpc::Status ListQualityResults(grpc::ServerContext* context,
                                  const v1::ListQualityResultsRequest* request,
                                  v1::ListQualityResultsResponse* response) override;
  grpc::Status GetDatasetHealth(grpc::ServerContext* context,
                                const v1::GetDatasetHealthRequest* request,
                                v1::GetDatasetHealthResponse* response) override;
  grpc::Status GetDomainHealth(grpc::ServerContext* context,
                               const v1::GetDomainHealthRequest* request,
                               v1::GetDomainHealthResponse* response) override;

 private:
  // The dataset `key` names (itself or the dataset it is an alias of) when
  // the caller may catalog:read it; NOT_FOUND alike when it may not and
  // when there is none.
  absl::StatusOr<DatasetKey> ReadableDataset(const std::string& caller,
                                             const DatasetKey& key) const;

  store::Store* store_;
  const Authenticator* auth_;
  const authz::Authorizer* authorizer_;
};

// `since` in milliseconds since the epoch: an RFC 3339 time, a date
// ("2026-11-25", its midnight UTC), or a duration back from `now` ("90s",
// "15m", "2h", "7d"); 0 for "". INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> SinceMs(std::string_view field, std::string_view since,
                                std::chrono::system_clock::time_point now);

}  // namespace catalog::server

// catalog.v1.LineageService: OpenLineage events in (the gRPC door; the
// HTTP door in lineage_http.h calls the same IngestEvents), lineage,
// column lineage and impact out. Lineage reads run through the policy
// engine: a node the caller may not catalog:read is returned redacted.
#pragma once

#include "catalog/v1/lineage.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/lineage/graph.h"
#include "server/store/store.h"

namespace catalog::products {
class ProductCache;
}

namespace catalog::server {

// The most events one ingest may carry.
inline constexpr int kMaxIngestEvents = 10000;
// The deepest lineage query.
inline constexpr int kMaxLineageDepth = 100;

class LineageServiceImpl final : public v1::LineageService::Service {
 public:
  // `products`: the data products an impact names.
  LineageServiceImpl(store::Store* store, const Authenticator* auth,
                     authz::Authorizer* authorizer,
                     lineage::LineageGraph* graph, products::ProductCache* products)
      : store_(store), auth_(auth), authorizer_(authorizer), graph_(graph), products_(products) {}

  // Every door's path: checks `caller` may lineage:write, parses each
  // event (errors start "events[i]: "), stores them as one transaction and
  // waits until decisions see the datasets they registered.
  absl::StatusOr<store::IngestResult> IngestEvents(
      const std::string& caller, const std::vector<std::string>& events);

  grpc::Status Ingest(grpc::ServerContext* context,
                      const v1::IngestRequest* request,
                      v1::IngestResponse* response) override;
  grpc::Status GetLineage(grpc::ServerContext* context,
                          const v1::GetLineageRequest* request,
                          v1::LineageGraph* response) override;
  grpc::Status GetColumnLineage(grpc::ServerContext* context,
                                const v1::GetColumnLineageRequest* request,
                                v1::LineageGraph* response) override;
  grpc::Status Impact(grpc::ServerContext* context,
                      const v1::ImpactRequest* request,
                      v1::ImpactResponse* response) override;
  grpc::Status ListJobs(grpc::ServerContext* context,
                        const v1::ListJobsRequest* request,
                        v1::ListJobsResponse* response) override;
  grpc::Status ListRuns(grpc::ServerContext* context,
                        const v1::ListRunsRequest* request,
                        v1::ListRunsResponse* response) override;
  grpc::Status DeleteJob(grpc::ServerContext* context,
                         const v1::DeleteJobRequest* request,
                         v1::DeleteResponse* response) override;

 private:
  store::Store* store_;
  const Authenticator* auth_;
  authz::Authorizer* authorizer_;
  lineage::LineageGraph* graph_;
  products::ProductCache* products_;
};

}  // namespace catalog::server

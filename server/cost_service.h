// catalog.v1.CostService: what pipelines cost (docs/cost.md), per job,
// dataset or domain, counting what the caller may catalog:read.
#pragma once

#include "catalog/v1/cost.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::server {

class CostServiceImpl final : public v1::CostService::Service {
 public:
  CostServiceImpl(store::Store* store, const Authenticator* auth,
                  const authz::Authorizer* authorizer)
      : store_(store), auth_(auth), authorizer_(authorizer) {}

  grpc::Status GetCostReport(grpc::ServerContext* context, const v1::CostReportRequest* request,
                             v1::CostReportResponse* response) override;

 private:
  store::Store* store_;
  const Authenticator* auth_;
  const authz::Authorizer* authorizer_;
};

}  // namespace catalog::server

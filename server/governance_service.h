// catalog.v1.GovernanceService: the catalog's ordered list of layers
// (docs/governance.md#layers), governance rules and the compliance report
// (docs/governance.md#rules).
#pragma once

#include "catalog/v1/governance.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::lineage {
class LineageGraph;
}

namespace catalog::products {
class ProductCache;
}

namespace catalog::server {

class GovernanceServiceImpl final : public v1::GovernanceService::Service {
 public:
  // `products`: the data products the report scores.
  GovernanceServiceImpl(store::Store* store, const Authenticator* auth,
                        const authz::Authorizer* authorizer, const lineage::LineageGraph* graph,
                        products::ProductCache* products)
      : store_(store), auth_(auth), authorizer_(authorizer), graph_(graph), products_(products) {}

  grpc::Status GetLayers(grpc::ServerContext* context, const v1::GetLayersRequest* request,
                         v1::Layers* response) override;
  grpc::Status SetLayers(grpc::ServerContext* context, const v1::SetLayersRequest* request,
                         v1::Layers* response) override;
  grpc::Status PutRule(grpc::ServerContext* context, const v1::PutRuleRequest* request,
                       v1::PutRuleResponse* response) override;
  grpc::Status DeleteRule(grpc::ServerContext* context, const v1::DeleteRuleRequest* request,
                          v1::DeleteRuleResponse* response) override;
  grpc::Status ListRules(grpc::ServerContext* context, const v1::ListRulesRequest* request,
                         v1::ListRulesResponse* response) override;
  grpc::Status GetRule(grpc::ServerContext* context, const v1::GetRuleRequest* request,
                       v1::GetRuleResponse* response) override;
  grpc::Status Report(grpc::ServerContext* context, const v1::ReportRequest* request,
                      v1::ComplianceReport* response) override;
  grpc::Status DatasetRules(grpc::ServerContext* context,
                            const v1::DatasetRulesRequest* request,
                            v1::DatasetRulesResponse* response) override;
  grpc::Status ProductRules(grpc::ServerContext* context,
                            const v1::ProductRulesRequest* request,
                            v1::ProductRulesResponse* response) override;

 private:
  // The report's trend since `since_ms` (of `domain` and beneath, when
  // given; of `rule` only, when given), over the domains `caller` may read.
  absl::Status Trend(int64_t since_ms, const std::string& domain, const std::string& rule,
                     const std::string& caller, v1::ComplianceReport* response);

  store::Store* store_;
  const Authenticator* auth_;
  const authz::Authorizer* authorizer_;
  const lineage::LineageGraph* graph_;
  products::ProductCache* products_;
};

}  // namespace catalog::server

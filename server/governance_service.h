// catalog.v1.GovernanceService: the catalog's ordered list of layers
// (docs/governance.md#layers).
#pragma once

#include "catalog/v1/governance.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::server {

class GovernanceServiceImpl final : public v1::GovernanceService::Service {
 public:
  GovernanceServiceImpl(store::Store* store, const Authenticator* auth,
                        const authz::Authorizer* authorizer)
      : store_(store), auth_(auth), authorizer_(authorizer) {}

  grpc::Status GetLayers(grpc::ServerContext* context, const v1::GetLayersRequest* request,
                         v1::Layers* response) override;
  grpc::Status SetLayers(grpc::ServerContext* context, const v1::SetLayersRequest* request,
                         v1::Layers* response) override;

 private:
  store::Store* store_;
  const Authenticator* auth_;
  const authz::Authorizer* authorizer_;
};

}  // namespace catalog::server

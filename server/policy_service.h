// catalog.v1.PolicyService: decisions (Authorize, BatchAuthorize,
// AuthorizeRead, Explain) from the in-memory snapshot, and the versioned
// policy set (PutPolicySet, GetPolicySet, ListPolicyVersions,
// ValidatePolicies). Any authenticated principal may ask for decisions;
// changing policies takes policy:write on Catalog::"catalog", reading them
// catalog:read on it.
#pragma once

#include "catalog/v1/policy.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::server {

// The most requests one BatchAuthorize may carry.
inline constexpr int kMaxBatch = 10000;

class PolicyServiceImpl final : public v1::PolicyService::Service {
 public:
  PolicyServiceImpl(store::Store* store, const Authenticator* auth,
                    authz::Authorizer* authorizer)
      : store_(store), auth_(auth), authorizer_(authorizer) {}

  grpc::Status Authorize(grpc::ServerContext* context,
                         const v1::AuthorizeRequest* request,
                         v1::AuthorizeResponse* response) override;
  grpc::Status BatchAuthorize(grpc::ServerContext* context,
                              const v1::BatchAuthorizeRequest* request,
                              v1::BatchAuthorizeResponse* response) override;
  grpc::Status AuthorizeRead(grpc::ServerContext* context,
                             const v1::AuthorizeReadRequest* request,
                             v1::AuthorizeReadResponse* response) override;
  grpc::Status PutPolicySet(grpc::ServerContext* context,
                            const v1::PutPolicySetRequest* request,
                            v1::PutPolicySetResponse* response) override;
  grpc::Status GetPolicySet(grpc::ServerContext* context,
                            const v1::GetPolicySetRequest* request,
                            v1::PolicySet* response) override;
  grpc::Status ListPolicyVersions(
      grpc::ServerContext* context, const v1::ListPolicyVersionsRequest* request,
      v1::ListPolicyVersionsResponse* response) override;
  grpc::Status ValidatePolicies(grpc::ServerContext* context,
                                const v1::ValidatePoliciesRequest* request,
                                v1::ValidatePoliciesResponse* response) override;
  grpc::Status Explain(grpc::ServerContext* context,
                       const v1::AuthorizeRequest* request,
                       v1::ExplainResponse* response) override;
  grpc::Status ListAccess(grpc::ServerContext* context, const v1::ListAccessRequest* request,
                          v1::ListAccessResponse* response) override;

 private:
  store::Store* store_;
  const Authenticator* auth_;
  authz::Authorizer* authorizer_;
};

}  // namespace catalog::server

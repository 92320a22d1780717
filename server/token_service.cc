#include "server/token_service.h"

#include "lib/util/status_macros.h"
#include "server/call.h"

namespace catalog::server {
namespace {

void ToProto(const store::TokenRecord& t, v1::Token* out) {
  out->set_id(t.id);
  out->set_principal(t.principal);
  out->set_description(t.description);
  out->set_created_at(t.created_at);
  out->set_created_by(t.created_by);
  out->set_revoked(t.revoked);
}

}  // namespace

grpc::Status TokenServiceImpl::CreateToken(
    grpc::ServerContext* context, const v1::CreateTokenRequest* request,
    v1::CreateTokenResponse* response) {
  return Serve(*auth_, context, Access::kAdmin,
               [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(IssuedToken issued,
                     auth_->Issue(request->principal(), request->description(),
                                  caller));
    ASSIGN_OR_RETURN(store::TokenRecord stored,
                     store_->GetToken(issued.record.id));
    ToProto(stored, response->mutable_token());
    response->set_secret(issued.bearer);
    return absl::OkStatus();
  });
}

grpc::Status TokenServiceImpl::ListTokens(grpc::ServerContext* context,
                                          const v1::ListTokensRequest*,
                                          v1::ListTokensResponse* response) {
  return Serve(*auth_, context, Access::kAdmin,
               [&](const std::string&) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<store::TokenRecord> tokens,
                     store_->ListTokens());
    for (const store::TokenRecord& t : tokens) {
      ToProto(t, response->add_tokens());
    }
    return absl::OkStatus();
  });
}

grpc::Status TokenServiceImpl::RevokeToken(grpc::ServerContext* context,
                                           const v1::RevokeTokenRequest* request,
                                           v1::RevokeTokenResponse*) {
  return Serve(*auth_, context, Access::kAdmin,
               [&](const std::string& caller) -> absl::Status {
    return auth_->Revoke(request->id(), caller);
  });
}

}  // namespace catalog::server

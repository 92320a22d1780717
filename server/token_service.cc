#include "server/token_service.h"

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/authz/catalog_entities.h"
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
  out->set_expires_at(t.expires_at);
  out->set_kind(t.kind);
  for (const std::string& a : t.actions) out->add_actions(a);
}

}  // namespace

grpc::Status TokenServiceImpl::CreateToken(
    grpc::ServerContext* context, const v1::CreateTokenRequest* request,
    v1::CreateTokenResponse* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(policy::EntityUid owner,
                     authz::PrincipalUid(request->principal()));
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:write", owner));
    ASSIGN_OR_RETURN(
        IssuedToken issued,
        auth_->Issue(request->principal(), request->description(), caller,
                     request->expires(),
                     {request->actions().begin(), request->actions().end()},
                     CallIdentity()));
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
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "audit:read", CatalogRoot()));
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
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    absl::StatusOr<store::TokenRecord> token = store_->GetToken(request->id());
    if (!token.ok()) {
      return absl::NotFoundError(StrCat("token \"", request->id(), "\" not found"));
    }
    ASSIGN_OR_RETURN(policy::EntityUid owner, authz::PrincipalUid(token->principal));
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:write", owner));
    return auth_->Revoke(request->id(), caller);
  });
}

}  // namespace catalog::server

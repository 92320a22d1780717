// catalog.v1.TokenService: create, list and revoke API tokens. Managing a
// principal's tokens takes catalog:write on that principal; listing them
// all, audit:read on Catalog::"catalog".
#pragma once

#include "catalog/v1/token.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::server {

class TokenServiceImpl final : public v1::TokenService::Service {
 public:
  TokenServiceImpl(store::Store* store, Authenticator* auth,
                   const authz::Authorizer* authorizer)
      : store_(store), auth_(auth), authorizer_(authorizer) {}

  grpc::Status CreateToken(grpc::ServerContext* context,
                           const v1::CreateTokenRequest* request,
                           v1::CreateTokenResponse* response) override;
  grpc::Status ListTokens(grpc::ServerContext* context,
                          const v1::ListTokensRequest* request,
                          v1::ListTokensResponse* response) override;
  grpc::Status RevokeToken(grpc::ServerContext* context,
                           const v1::RevokeTokenRequest* request,
                           v1::RevokeTokenResponse* response) override;

 private:
  store::Store* store_;
  Authenticator* auth_;
  const authz::Authorizer* authorizer_;
};

}  // namespace catalog::server

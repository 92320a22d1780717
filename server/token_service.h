// catalog.v1.TokenService: create, list and revoke API tokens (admin only).
#pragma once

#include "catalog/v1/token.grpc.pb.h"
#include "server/auth.h"
#include "server/store/store.h"

namespace catalog::server {

class TokenServiceImpl final : public v1::TokenService::Service {
 public:
  TokenServiceImpl(store::Store* store, Authenticator* auth)
      : store_(store), auth_(auth) {}

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
};

}  // namespace catalog::server

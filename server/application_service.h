// catalog.v1.AIApplicationService: AI applications
// (docs/models.md#ai-applications) read under the caller's policies
// (datasets and models it may not read left out, and counted), deleted by
// their writers, reviewed by who may application:review them, and their
// datasets checked against the policies as the service account they run
// as.
#pragma once

#include "catalog/v1/application.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::server {

class AIApplicationServiceImpl final : public v1::AIApplicationService::Service {
 public:
  AIApplicationServiceImpl(store::Store* store, const Authenticator* auth,
                           authz::Authorizer* authorizer)
      : store_(store), auth_(auth), authorizer_(authorizer) {}

  grpc::Status GetAIApplication(grpc::ServerContext* context,
                                const v1::GetAIApplicationRequest* request,
                                v1::AIApplication* response) override;
  grpc::Status ListAIApplications(grpc::ServerContext* context,
                                  const v1::ListAIApplicationsRequest* request,
                                  v1::ListAIApplicationsResponse* response) override;
  grpc::Status GetAIApplicationHistory(grpc::ServerContext* context,
                                       const v1::GetAIApplicationHistoryRequest* request,
                                       v1::ObjectHistoryResponse* response) override;
  grpc::Status DeleteAIApplication(grpc::ServerContext* context,
                                   const v1::DeleteAIApplicationRequest* request,
                                   v1::DeleteResponse* response) override;
  grpc::Status ReviewAIApplication(grpc::ServerContext* context,
                                   const v1::ReviewAIApplicationRequest* request,
                                   v1::AIApplication* response) override;
  grpc::Status CheckAIApplicationAccess(grpc::ServerContext* context,
                                        const v1::CheckAIApplicationAccessRequest* request,
                                        v1::AIApplicationAccess* response) override;

 private:
  // NOT_FOUND (the words for one that does not exist) unless `caller` may
  // read application `name`.
  absl::Status Readable(const std::string& caller, const std::string& name) const;

  store::Store* store_;
  const Authenticator* auth_;
  authz::Authorizer* authorizer_;
};

}  // namespace catalog::server

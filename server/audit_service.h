// catalog.v1.AuditService: the audit log, listed and verified. Needs
// audit:read on Catalog::"catalog".
#pragma once

#include <chrono>

#include "catalog/v1/audit.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::server {

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  AuditServiceImpl(store::Store* store, const Authenticator* auth,
                   const authz::Authorizer* authorizer)
      : store_(store), auth_(auth), authorizer_(authorizer) {}

  grpc::Status ListAuditEvents(grpc::ServerContext* context,
                               const v1::ListAuditEventsRequest* request,
                               v1::ListAuditEventsResponse* response) override;
  grpc::Status VerifyAudit(grpc::ServerContext* context,
                           const v1::VerifyAuditRequest* request,
                           v1::VerifyAuditResponse* response) override;

 private:
  store::Store* store_;
  const Authenticator* auth_;
  const authz::Authorizer* authorizer_;
};

// `since` as the audit log compares it: an RFC 3339 time or a prefix of
// one ("2026-11-25", "2026-11-25T10:00:00Z"), or a duration back from `now`
// ("90s", "15m", "2h", "7d"). INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> AuditSince(std::string_view since,
                                       std::chrono::system_clock::time_point now);

}  // namespace catalog::server

// What every RPC handler does first: authenticate the caller, check it may
// make this kind of call, then run the handler body and convert its status
// at the edge.
#pragma once

#include <grpcpp/server_context.h>

#include <string>

#include "absl/status/status.h"
#include "server/auth.h"
#include "server/grpc_status.h"

namespace catalog::server {

enum class Access {
  kRead,   // any authenticated principal
  kWrite,  // changes the catalog
  kAdmin,  // manages credentials
};

// Until the policy engine decides, writes and credential management are
// reserved to the admin principal; reads are open to every authenticated
// principal. PERMISSION_DENIED otherwise.
absl::Status CheckAccess(const std::string& caller, Access access);

// The `authorization` metadata of a call, or "" when absent.
std::string AuthorizationHeader(const grpc::ServerContext& context);

// Handler calls running right now, process-wide (for graceful shutdown).
int CallsInFlight();

namespace internal {
// Counts a handler call for as long as it lives.
class InFlight {
 public:
  InFlight();
  ~InFlight();
};
}  // namespace internal

template <typename Fn>
grpc::Status Serve(const Authenticator& auth, grpc::ServerContext* context,
                   Access access, Fn&& body) {
  internal::InFlight counted;
  absl::StatusOr<std::string> caller =
      auth.Authenticate(AuthorizationHeader(*context));
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status allowed = CheckAccess(*caller, access); !allowed.ok()) {
    return ToGrpcStatus(allowed);
  }
  return ToGrpcStatus(body(*caller));
}

}  // namespace catalog::server

#include "server/call.h"

#include "lib/util/strings.h"

namespace catalog::server {

absl::Status CheckAccess(const std::string& caller, Access access) {
  if (access == Access::kRead || caller == kAdminPrincipal) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      StrCat(caller, " may not ",
             access == Access::kWrite ? "change the catalog"
                                      : "manage tokens",
             ": only ", kAdminPrincipal, " may, until policies grant more"));
}

std::string AuthorizationHeader(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace catalog::server

#include "server/call.h"

#include "lib/util/strings.h"

#include <atomic>

namespace catalog::server {
namespace {
std::atomic<int> calls_in_flight{0};
}  // namespace

int CallsInFlight() { return calls_in_flight.load(std::memory_order_acquire); }

internal::InFlight::InFlight() { calls_in_flight.fetch_add(1); }
internal::InFlight::~InFlight() { calls_in_flight.fetch_sub(1); }

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

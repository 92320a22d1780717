#include "server/object_history.h"

#include "lib/util/status_macros.h"
#include "server/call.h"

namespace catalog::server {

absl::Status MayReadNow(const authz::Authorizer& authorizer, const std::string& caller,
                        const policy::EntityUid& uid, absl::Status not_found) {
  RETURN_IF_ERROR(DecisionsReady(authorizer));
  // A token limited to other actions reads no revision (and learns of no
  // name: the words are those for a name that never existed).
  if (!RequireTokenAllows(caller, "catalog:read").ok()) return not_found;
  if (authorizer.current()->entities().Find(uid) == nullptr) return absl::OkStatus();
  if (!Require(authorizer, caller, "catalog:read", uid).ok()) return not_found;
  return absl::OkStatus();
}

bool MayReadRevision(const authz::Authorizer& authorizer, const std::string& caller,
                     const policy::EntityUid& uid, const policy::Entities& as_it_was) {
  return Permits(authorizer, caller, "catalog:read", uid, &as_it_was);
}

}  // namespace catalog::server

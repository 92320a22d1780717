#include "server/object_history.h"

#include "lib/util/status_macros.h"
#include "server/call.h"

namespace catalog::server {

absl::Status MayReadHistory(
    const authz::Authorizer& authorizer, const std::string& caller, const policy::EntityUid& uid,
    const std::function<policy::Entities(const policy::EntityView& entities)>& as_it_was,
    absl::Status not_found) {
  RETURN_IF_ERROR(DecisionsReady(authorizer));
  std::shared_ptr<const authz::Snapshot> snapshot = authorizer.current();
  std::optional<policy::Entities> deleted;
  if (snapshot->entities().Find(uid) == nullptr) deleted = as_it_was(snapshot->entities());
  if (!Require(authorizer, caller, "catalog:read", uid, deleted ? &*deleted : nullptr).ok()) {
    return not_found;
  }
  return absl::OkStatus();
}

}  // namespace catalog::server

#include "server/authz/access_list.h"

#include "lib/policy/ast.h"
#include "lib/util/strings.h"
#include "server/authz/catalog_entities.h"
#include "server/authz/snapshot.h"

namespace catalog::authz {
namespace {

const policy::Policy* Find(const Snapshot& snapshot, const std::string& id) {
  for (const policy::Policy& p : snapshot.policies()) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace

std::vector<AccessEntry> WhoMay(const Snapshot& snapshot,
                                const std::vector<policy::EntityUid>& principals,
                                const std::vector<std::string>& actions,
                                const policy::EntityUid& resource) {
  std::vector<AccessEntry> out;
  for (const policy::EntityUid& principal : principals) {
    for (const std::string& action : actions) {
      policy::Response r = snapshot.Authorize(
          {.principal = principal, .action = ActionUid(action), .resource = resource},
          snapshot.entities());
      AccessEntry entry{.principal = principal, .action = action};
      std::vector<std::string> erring_permits;
      for (const policy::PolicyError& e : r.errors) {
        const policy::Policy* p = Find(snapshot, e.policy_id);
        const bool permit = p != nullptr && p->effect == policy::Effect::kPermit;
        if (permit) erring_permits.push_back(e.policy_id);
        entry.conditions.push_back(StrCat(p != nullptr && !p->AnnotatedId().empty()
                                              ? p->AnnotatedId()
                                              : e.policy_id,
                                          ": ", e.message));
      }
      if (r.allow) {
        entry.reasons = std::move(r.reasons);
        entry.conditional = !r.errors.empty();
      } else if (!erring_permits.empty()) {
        entry.reasons = std::move(erring_permits);
        entry.conditional = true;
      } else {
        continue;
      }
      out.push_back(std::move(entry));
    }
  }
  return out;
}

}  // namespace catalog::authz

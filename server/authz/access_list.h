// Who may act on a resource, and why: every principal and group given is
// asked of the policies, on one snapshot, as Authorize would ask (with an
// empty context). What the answer cannot know, it says:
//   - a permit whose condition reads the request's context errs without
//     one: a principal it alone would allow is listed as conditional,
//     naming it, and so is one allowed while a forbid erred;
//   - a condition that guards context with `has` is false without it: that
//     permit's principals are not listed.
// Nothing is recorded in the decision log: these are questions about
// access, not attempts at it.
#pragma once

#include <string>
#include <vector>

#include "lib/policy/value.h"

namespace catalog::authz {

class Snapshot;

struct AccessEntry {
  policy::EntityUid principal;
  std::string action;                // "read"
  std::vector<std::string> reasons;  // the permits that allow it (policy ids)
  // Allowed only as far as a condition on the request's context allows;
  // `conditions` says which policies erred, and how.
  bool conditional = false;
  std::vector<std::string> conditions;
};

// In the order of `principals`, then `actions`.
std::vector<AccessEntry> WhoMay(const Snapshot& snapshot,
                                const std::vector<policy::EntityUid>& principals,
                                const std::vector<std::string>& actions,
                                const policy::EntityUid& resource);

}  // namespace catalog::authz

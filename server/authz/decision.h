// What an authorization answers: allow or deny, the policies that
// determined it, the catalog revision it was made at; per column, allow,
// deny or mask.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lib/policy/evaluator.h"
#include "server/authz/snapshot.h"

namespace catalog::authz {

struct Decision {
  bool allow = false;
  std::vector<std::string> reasons;  // determining policy ids
  std::vector<policy::PolicyError> errors;
  int64_t revision = 0;              // the snapshot's catalog revision
  std::string denial;                // why, when denied without a policy
  // The snapshot it was decided on (null if none was), so the policy ids
  // are read against the policy set that produced them.
  std::shared_ptr<const Snapshot> snapshot;

  // The policy an id names in `snapshot`, or nullptr.
  const policy::Policy* FindPolicy(const std::string& id) const;
};

// A decision from `snapshot`'s answer.
Decision DecisionOf(policy::Response response,
                    std::shared_ptr<const Snapshot> snapshot);

enum class ColumnAccess { kAllow, kDeny, kMask };

struct ColumnDecision {
  std::string column;
  ColumnAccess access = ColumnAccess::kDeny;
  std::string mask;  // the masking method, for kMask
  Decision decision;
};

// A deny saying `why`, made on the snapshot of `revision` (counted in
// /metrics as a decision asked).
Decision Denied(std::string why, int64_t revision);

}  // namespace catalog::authz

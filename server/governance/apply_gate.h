// Governance rules at apply (docs/governance.md#rules): each dataset an
// apply writes is judged, as it would be after the write, against the
// rules in force before anything is stored.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"
#include "server/authz/snapshot.h"

namespace catalog::lineage {
class LineageGraph;
}

namespace catalog::governance {

// Each resource's warnings (in order), or FAILED_PRECONDITION naming the
// first refused resource (`resources[i] (Dataset ns/name)`) and the rules
// that refuse it. A judged dataset that exists is written only at the
// revision judged: its expected revision is set, when the request left
// it 0, so a write in between is ABORTED rather than let through unjudged.
absl::StatusOr<std::vector<std::vector<std::string>>> JudgeApply(
    store::Store& store, const authz::Snapshot& snapshot, const lineage::LineageGraph* graph,
    std::vector<Resource>& resources, int64_t now_ms);

}  // namespace catalog::governance

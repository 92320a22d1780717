// Governance rules at apply (docs/governance.md#rules): each dataset an
// apply changes or creates is judged, as the write would leave it,
// against the rules in force, inside the write's transaction (so nothing
// written in between goes unjudged).
#pragma once

#include <cstdint>
#include <memory>

#include "server/authz/snapshot.h"
#include "server/store/store.h"

namespace catalog::lineage {
class LineageGraph;
}

namespace catalog::governance {

// The store's rule check for an apply judged on `snapshot`'s rules (and
// `graph`'s lineage facts) at `now_ms`: FAILED_PRECONDITION naming the
// blocking rules that refuse the write; warn rules' breaks, and old
// breaks the write did not make worse, as warnings. nullptr when no warn
// or blocking rule is in force (nothing to judge).
store::Store::RuleCheck RuleGate(std::shared_ptr<const authz::Snapshot> snapshot,
                                 const lineage::LineageGraph* graph, int64_t now_ms);

}  // namespace catalog::governance

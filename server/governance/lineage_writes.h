// Governance rules over lineage (docs/governance.md#rules): a run reports
// a write that already happened, so a blocking rule it breaks is recorded
// as an incident on the dataset, not refused (CheckWrite refuses before
// the write). A later write that keeps the rule resolves it.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "lib/lineage/event.h"
#include "server/authz/snapshot.h"
#include "server/store/store.h"

namespace catalog::governance {

// For each dataset a COMPLETE run of `events` wrote, the blocking rules
// that write broke (unwaived), judged with the run's inputs as
// `resource.upstream_layers`; empty when no blocking rule is in force.
// A run's report is the reporter's word: it may lapse a certification
// only where `may_curate` (the reporter may write the dataset's
// metadata); elsewhere the governance sweep decides.
std::vector<store::Store::RuleWrite> JudgeLineageWrites(
    store::Store& store, const authz::Snapshot& snapshot,
    const std::vector<lineage::Event>& events, int64_t now_ms,
    const std::function<bool(const DatasetKey&)>& may_curate);

}  // namespace catalog::governance

// Upstream degradation from the lineage graph: which datasets are made,
// within `hops` jobs over active edges, from a dataset that is failing or
// stale — failing causes first, then stale ones, the nearest cause
// of each kind — each with the path from its cause.
//
//   auto upstream = SpreadHealth(graph, {{orders, Health::kFailing}}, 3);
//   upstream->Find(daily_sales)->path;  // orders ... daily_sales
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/health/upstream.h"
#include "server/lineage/graph.h"

namespace catalog::lineage {

// UNAVAILABLE while the graph loads.
absl::StatusOr<std::shared_ptr<const health::UpstreamHealth>> SpreadHealth(
    const LineageGraph& graph, const std::vector<std::pair<DatasetKey, health::Health>>& sources,
    int hops);

}  // namespace catalog::lineage

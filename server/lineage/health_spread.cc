#include "server/lineage/health_spread.h"


#include "lib/util/status_macros.h"

namespace catalog::lineage {

absl::StatusOr<std::shared_ptr<const health::UpstreamHealth>> SpreadHealth(
    const LineageGraph& graph, const std::vector<std::pair<DatasetKey, health::Health>>& sources,
    int hops) {
  auto out = std::make_shared<health::UpstreamHealth>();
  for (health::Health tier : {health::Health::kFailing, health::Health::kStale}) {
    std::vector<DatasetKey> starts;
    std::vector<std::shared_ptr<const health::PathStep>> at_start;
    for (const auto& [key, h] : sources) {
      if (h != tier) continue;
      starts.push_back(key);
      at_start.push_back(std::make_shared<const health::PathStep>(health::PathStep{key, nullptr}));
    }
    if (starts.empty() || hops <= 0) continue;
    // Each report's step, by its number: the next reports' step before.
    std::vector<std::shared_ptr<const health::PathStep>> steps;
    std::vector<int> step_hops;
    RETURN_IF_ERROR(graph.WalkDownstream(starts, hops, [&](const LineageGraph::Reached& r) {
      steps.push_back(std::make_shared<const health::PathStep>(health::PathStep{
          r.dataset, r.parent < 0 ? at_start[r.start] : steps[static_cast<size_t>(r.parent)]}));
      step_hops.push_back(r.hops);
    }));
    out->Reserve(out->size() + steps.size());
    for (size_t i = 0; i < steps.size(); ++i) {
      const DatasetKey& dataset = steps[i]->dataset;
      out->Add(dataset, {.cause_health = tier, .hops = step_hops[i], .last = steps[i]});
    }
  }
  return std::shared_ptr<const health::UpstreamHealth>(std::move(out));
}

}  // namespace catalog::lineage

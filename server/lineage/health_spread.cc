#include "server/lineage/health_spread.h"

#include <string>
#include <unordered_map>

#include "lib/util/status_macros.h"

namespace catalog::lineage {

absl::StatusOr<std::shared_ptr<const health::UpstreamHealth>> SpreadHealth(
    const LineageGraph& graph, const std::vector<std::pair<DatasetKey, health::Health>>& sources,
    int hops) {
  auto out = std::make_shared<health::UpstreamHealth>();
  for (health::Health tier : {health::Health::kFailing, health::Health::kStale}) {
    std::vector<DatasetKey> starts;
    // The path to each dataset this walk reached, by DatasetKey::ToString.
    std::unordered_map<std::string, std::vector<DatasetKey>> paths;
    for (const auto& [key, h] : sources) {
      if (h != tier) continue;
      starts.push_back(key);
      paths.try_emplace(key.ToString(), std::vector<DatasetKey>{key});
    }
    if (starts.empty() || hops <= 0) continue;
    RETURN_IF_ERROR(graph.WalkDownstream(
        starts, hops,
        [&](const DatasetKey& dataset, const DatasetKey& parent, size_t start, int h) {
          std::vector<DatasetKey> path = paths[parent.ToString()];
          path.push_back(dataset);
          out->Add(dataset, {.cause = starts[start], .cause_health = tier, .hops = h, .path = path});
          paths.emplace(dataset.ToString(), std::move(path));
        }));
  }
  return std::shared_ptr<const health::UpstreamHealth>(std::move(out));
}

}  // namespace catalog::lineage

#include "lib/health/upstream.h"

namespace catalog::health {

void UpstreamHealth::Add(const DatasetKey& dataset, UpstreamCause cause) {
  by_dataset_.try_emplace(dataset.ToString(), std::move(cause));
}

const UpstreamCause* UpstreamHealth::Find(const DatasetKey& dataset) const {
  auto it = by_dataset_.find(dataset.ToString());
  return it == by_dataset_.end() ? nullptr : &it->second;
}

Health EffectiveHealth(Health own, const UpstreamCause* upstream) {
  if (own >= Health::kUpstreamDegraded || upstream == nullptr) return own;
  return Health::kUpstreamDegraded;
}

}  // namespace catalog::health

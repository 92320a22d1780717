#include "lib/health/upstream.h"

#include "lib/catalog/key_id.h"

namespace catalog::health {

void UpstreamHealth::Add(const DatasetKey& dataset, UpstreamCause cause) {
  by_dataset_.try_emplace(KeyId(dataset.ns, dataset.name), std::move(cause));
}

const UpstreamCause* UpstreamHealth::Find(const DatasetKey& dataset) const {
  return FindId(KeyId(dataset.ns, dataset.name));
}

const UpstreamCause* UpstreamHealth::FindId(const std::string& key_id) const {
  auto it = by_dataset_.find(key_id);
  return it == by_dataset_.end() ? nullptr : &it->second;
}

Health EffectiveHealth(Health own, const UpstreamCause* upstream) {
  if (own >= Health::kUpstreamDegraded || upstream == nullptr) return own;
  return Health::kUpstreamDegraded;
}

}  // namespace catalog::health

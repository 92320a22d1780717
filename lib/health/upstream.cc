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

std::vector<DatasetKey> UpstreamCause::Path() const {
  std::vector<DatasetKey> path;
  for (const PathStep* step = last.get(); step != nullptr; step = step->before.get()) {
    path.push_back(step->dataset);
  }
  return {path.rbegin(), path.rend()};
}

const DatasetKey& UpstreamCause::cause() const {
  const PathStep* step = last.get();
  while (step->before != nullptr) step = step->before.get();
  return step->dataset;
}

Health EffectiveHealth(Health own, const UpstreamCause* upstream) {
  if (own >= Health::kUpstreamDegraded || upstream == nullptr) return own;
  return Health::kUpstreamDegraded;
}

}  // namespace catalog::health

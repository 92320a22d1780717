// Which datasets are upstream-degraded: a dataset whose own health is fine
// but that is made, within a few hops of lineage, from a dataset that is
// failing or stale. Derived (never stored) by each replica from its
// lineage graph and the datasets' own health (server/lineage/
// health_spread.h); held by the authorization snapshot, so that
// `resource.health` says "upstream-degraded" and readers see the path to
// the cause.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "lib/catalog/model.h"
#include "lib/health/health.h"

namespace catalog::health {

// A step of a path from a cause: a dataset and the step before it, shared
// by the paths that pass through it (a hub's thousands share its first).
struct PathStep {
  DatasetKey dataset;
  std::shared_ptr<const PathStep> before;  // nullptr at the cause
};

// Why one dataset is upstream-degraded.
struct UpstreamCause {
  Health cause_health = Health::kFailing;  // of the cause, the path's first dataset
  int hops = 0;                // jobs between the cause and this dataset
  std::shared_ptr<const PathStep> last;  // this dataset's step
  // The datasets from the cause to this one, both included.
  std::vector<DatasetKey> Path() const;
  // The failing or stale dataset.
  const DatasetKey& cause() const;
};

class UpstreamHealth {
 public:
  // Records `dataset`'s cause unless it has one already (the first one
  // found wins: callers walk the worst causes first, nearest first).
  void Add(const DatasetKey& dataset, UpstreamCause cause);
  void Reserve(size_t n) { by_dataset_.reserve(n); }
  // nullptr when `dataset` is not upstream-degraded.
  const UpstreamCause* Find(const DatasetKey& dataset) const;
  // The same by the dataset's policy identity (KeyId, Dataset::"<id>").
  const UpstreamCause* FindId(const std::string& key_id) const;
  size_t size() const { return by_dataset_.size(); }

 private:
  std::unordered_map<std::string, UpstreamCause> by_dataset_;  // by KeyId
};

// A dataset's health with its upstream: its own when that is as bad as
// upstream-degraded or worse, else upstream-degraded when `upstream` says
// so, else its own.
Health EffectiveHealth(Health own, const UpstreamCause* upstream);

}  // namespace catalog::health

// A domain's health rolled up from its datasets' (docs/quality.md#health):
// how many of the datasets in it and below it have each health, as
// policies see it (their own, or upstream-degraded), the worst of them,
// and the unhealthy ones worst first — counting only what `readable`
// lets through. A plain answer; QualityService converts it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/health/health.h"
#include "server/authz/snapshot.h"
#include "server/store/store.h"

namespace catalog::server {

struct DomainHealth {
  health::Health worst = health::Health::kOk;
  int64_t datasets = 0;
  int64_t counts[5] = {};  // by health::Health
  struct Unhealthy {
    DatasetKey key;
    health::Health health = health::Health::kOk;
    int64_t since_ms = 0;  // its own health's; 0 for upstream-degraded
    std::string freshness;
    std::string domain;
  };
  std::vector<Unhealthy> unhealthy;  // worst first, then by key; at most max_listed
};

// Reads the domain's datasets a page at a time.
absl::StatusOr<DomainHealth> RollUpDomainHealth(
    store::Store& store, const authz::Snapshot& snapshot, const std::string& domain,
    const std::function<bool(const DatasetKey&)>& readable, size_t max_listed);

}  // namespace catalog::server

#include "server/domain_health.h"

#include <algorithm>
#include <tuple>

#include "lib/util/status_macros.h"

namespace catalog::server {
namespace {

// Worst first, then by key.
bool Worse(const DomainHealth::Unhealthy& a, const DomainHealth::Unhealthy& b) {
  return a.health != b.health ? a.health > b.health
                              : std::tie(a.key.ns, a.key.name) < std::tie(b.key.ns, b.key.name);
}

}  // namespace

absl::StatusOr<DomainHealth> RollUpDomainHealth(
    store::Store& store, const authz::Snapshot& snapshot, const std::string& domain,
    const std::function<bool(const DatasetKey&)>& readable, size_t max_listed) {
  DomainHealth out;
  store::PageRequest page{.page_size = 1000};
  do {
    ASSIGN_OR_RETURN(store::Page<Dataset> listed, store.ListDatasets(domain, page));
    for (const Dataset& d : listed.items) {
      if (!readable(d.key)) continue;
      const health::Health own = health::ParseHealth(d.health.state).value_or(health::Health::kOk);
      const health::Health h = snapshot.HealthOf(d.key, own);
      ++out.datasets;
      ++out.counts[static_cast<int>(h)];
      out.worst = std::max(out.worst, h);
      if (h != health::Health::kOk) {
        out.unhealthy.push_back({.key = d.key,
                                 .health = h,
                                 .since_ms = h == own ? d.health.since_ms : 0,
                                 .freshness = d.health.freshness,
                                 .domain = d.spec.domain});
      }
    }
    page.page_token = listed.next_page_token;
    // Keep the worst `max_listed` as we go: a domain may hold millions.
    if (out.unhealthy.size() > 2 * max_listed + 1000) {
      std::partial_sort(out.unhealthy.begin(), out.unhealthy.begin() + max_listed,
                        out.unhealthy.end(), Worse);
      out.unhealthy.resize(max_listed);
    }
  } while (!page.page_token.empty());
  std::sort(out.unhealthy.begin(), out.unhealthy.end(), Worse);
  if (out.unhealthy.size() > max_listed) out.unhealthy.resize(max_listed);
  return out;
}

}  // namespace catalog::server

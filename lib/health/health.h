// A dataset's health: can its data be trusted now? Judged from the checks
// its pipelines report (which of them fail now), the freshness its
// contract promises and whether its last write kept the contract's schema;
// a dataset healthy by itself can still be upstream-degraded by what it is
// made from (server/lineage/health_spread.h). Pure: no I/O, no clock.
//
//   ApplyResults(failing, results, event_ms, job_key, run_id);
//   OwnHealth h = JudgeOwnHealth(failing, FreshnessState::kFresh, false);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/catalog/model.h"
#include "lib/contract/sla.h"
#include "lib/lineage/quality.h"

namespace catalog::health {

// In order of how bad: a dataset's health is the worst that applies.
enum class Health { kOk, kWarning, kUpstreamDegraded, kStale, kFailing };
// "ok", "warning", "upstream-degraded", "stale", "failing"
std::string HealthName(Health h);
std::optional<Health> ParseHealth(std::string_view name);

// Whether a failed check or contract rule of this severity makes its
// dataset failing; "warn", "warning" and "info" only warn.
bool Blocks(std::string_view severity);

// A check whose latest result failed.
struct FailingCheck {
  lineage::QualityResult check;  // as last reported failing
  int64_t since_ms = 0;  // the first event of this run of failures
  int64_t last_ms = 0;   // the newest event that reported it failing
  JobKey job;            // the job that reported it; empty for a DatasetEvent
  std::string run_id;
};

// Kept per dataset; beyond it, the checks that failed longest ago go.
inline constexpr size_t kMaxFailingChecks = 1000;

// `failing` after an event at `event_ms` reported `results`. A check is
// named by its facet, column and name. A failed check is failing (since
// its first failure in a row); a passed one is not, unless an event newer
// than this one said it failed; skipped and not measured ones stay as they
// were; measurements say nothing. True when the list changed.
bool ApplyResults(std::vector<FailingCheck>& failing,
                  const std::vector<const lineage::QualityResult*>& results, int64_t event_ms,
                  const JobKey& job, std::string_view run_id);

struct OwnHealth {
  Health state = Health::kOk;
  std::string reason;  // one line: what makes it so
};

// A dataset's health by itself: failing when a blocking check fails or
// its last write broke its contract's schema; else stale when its
// freshness is; else warning when a check that only warns fails; else ok.
OwnHealth JudgeOwnHealth(const std::vector<FailingCheck>& failing,
                         contract::FreshnessState freshness, bool contract_broken);

}  // namespace catalog::health

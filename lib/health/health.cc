#include "lib/health/health.h"

#include <algorithm>

#include "lib/util/strings.h"

namespace catalog::health {
namespace {

constexpr const char* kNames[] = {"ok", "warning", "upstream-degraded", "stale", "failing"};

bool SameCheck(const lineage::QualityResult& a, const lineage::QualityResult& b) {
  return a.facet == b.facet && a.column == b.column && a.name == b.name;
}

std::string CheckName(const lineage::QualityResult& c) {
  return c.column.empty() ? c.name : StrCat(c.column, ": ", c.name);
}

}  // namespace

std::string HealthName(Health h) { return kNames[static_cast<int>(h)]; }

std::optional<Health> ParseHealth(std::string_view name) {
  for (int i = 0; i < 5; ++i) {
    if (name == kNames[i]) return static_cast<Health>(i);
  }
  return std::nullopt;
}

bool Blocks(std::string_view severity) {
  return severity != "warning" && severity != "warn" && severity != "info";
}

bool ApplyResults(std::vector<FailingCheck>& failing,
                  const std::vector<const lineage::QualityResult*>& results, int64_t event_ms,
                  const JobKey& job, std::string_view run_id) {
  bool changed = false;
  for (const lineage::QualityResult* r : results) {
    if (r->status != "pass" && r->status != "fail") continue;
    auto it = std::find_if(failing.begin(), failing.end(),
                           [&](const FailingCheck& f) { return SameCheck(f.check, *r); });
    if (r->status == "pass") {
      if (it != failing.end() && it->last_ms <= event_ms) {
        failing.erase(it);
        changed = true;
      }
      continue;
    }
    if (it == failing.end()) {
      failing.push_back({.check = *r,
                         .since_ms = event_ms,
                         .last_ms = event_ms,
                         .job = job,
                         .run_id = std::string(run_id)});
      changed = true;
    } else if (event_ms >= it->last_ms) {
      it->check = *r;
      it->last_ms = event_ms;
      it->job = job;
      it->run_id = std::string(run_id);
      changed = true;
    } else if (event_ms < it->since_ms) {
      it->since_ms = event_ms;  // a late report of an earlier failure
      changed = true;
    }
  }
  if (failing.size() > kMaxFailingChecks) {
    std::stable_sort(failing.begin(), failing.end(), [](const FailingCheck& a,
                                                        const FailingCheck& b) {
      return a.last_ms > b.last_ms;
    });
    failing.resize(kMaxFailingChecks);
  }
  return changed;
}

OwnHealth JudgeOwnHealth(const std::vector<FailingCheck>& failing,
                         contract::FreshnessState freshness, bool contract_broken) {
  const FailingCheck* blocking = nullptr;
  const FailingCheck* warning = nullptr;
  size_t blocking_count = 0;
  for (const FailingCheck& f : failing) {
    if (Blocks(f.check.severity)) {
      ++blocking_count;
      if (blocking == nullptr) blocking = &f;
    } else if (warning == nullptr) {
      warning = &f;
    }
  }
  if (blocking != nullptr) {
    return {Health::kFailing,
            StrCat("check ", CheckName(blocking->check), " fails",
                   blocking_count > 1 ? StrCat(" (and ", blocking_count - 1, " more)") : "")};
  }
  if (contract_broken) {
    return {Health::kFailing, "its last write broke its contract's schema"};
  }
  if (freshness == contract::FreshnessState::kStale) {
    return {Health::kStale, "not written as often as its contract promises"};
  }
  if (warning != nullptr) {
    return {Health::kWarning, StrCat("check ", CheckName(warning->check), " fails (warns)")};
  }
  return {Health::kOk, ""};
}

}  // namespace catalog::health

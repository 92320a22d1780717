// The governance sweep, on the leader (docs/governance.md#report): every
// dataset judged against the rules in force, today's evaluation of each
// rule per domain kept for the report's trend, and the verified
// certification of each dataset that breaks a blocking rule lapsed. Runs
// when the rules in force changed since it last ran, and every `every`.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::lineage {
class LineageGraph;
}

namespace catalog::governance {

class Sweep {
 public:
  struct Options {
    std::chrono::milliseconds every{std::chrono::hours(1)};
    std::function<int64_t()> clock_ms;  // the system clock when unset
  };
  Sweep(store::Store* store, const authz::Authorizer* authorizer,
        const lineage::LineageGraph* graph, Options options);

  // Runs if due (the housekeeping thread asks every few seconds).
  void MaybeRun();
  // Runs now.
  absl::Status Run();

 private:
  int64_t NowMs() const;

  store::Store* store_;
  const authz::Authorizer* authorizer_;
  const lineage::LineageGraph* graph_;
  const Options options_;
  std::mutex mu_;
  std::string last_rules_;  // the rules (names and versions) last judged
  int64_t last_ms_ = 0;
};

}  // namespace catalog::governance

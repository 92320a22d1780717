#include "server/governance/apply_gate.h"

#include <algorithm>

#include "server/governance/judge.h"

namespace catalog::governance {

store::Store::RuleCheck RuleGate(std::shared_ptr<const authz::Snapshot> snapshot,
                                 const lineage::LineageGraph* graph, int64_t now_ms) {
  const std::vector<Rule>& rules = snapshot->rules();
  if (std::none_of(rules.begin(), rules.end(),
                   [](const Rule& r) { return r.mode != Mode::kAdvisory; })) {
    return nullptr;
  }
  return [snapshot = std::move(snapshot), graph, now_ms](
             const Dataset* before, const Dataset& after,
             std::vector<std::string>& warnings) -> absl::Status {
    // Lineage facts are the dataset's, whatever the write changes.
    Facts facts = FactsFor(snapshot->rules(), graph, snapshot->entities(), after);
    if (facts.upstream_layers.empty() && before != nullptr) {
      facts = FactsFor(snapshot->rules(), graph, snapshot->entities(), *before);
    }
    WriteVerdict verdict = JudgeWrite(snapshot->rules(), before, facts, after, facts,
                                      snapshot->entities(), now_ms);
    warnings = std::move(verdict.warnings);
    return Refusal(verdict);
  };
}

}  // namespace catalog::governance

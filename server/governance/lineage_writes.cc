#include "server/governance/lineage_writes.h"

#include <algorithm>
#include <map>

#include "server/governance/judge.h"

namespace catalog::governance {

std::vector<store::Store::RuleWrite> JudgeLineageWrites(
    store::Store& store, const authz::Snapshot& snapshot,
    const std::vector<lineage::Event>& events, int64_t now_ms,
    const std::function<bool(const DatasetKey&)>& may_curate) {
  std::vector<store::Store::RuleWrite> out;
  const std::vector<Rule>& rules = snapshot.rules();
  if (std::none_of(rules.begin(), rules.end(),
                   [](const Rule& r) { return r.mode == Mode::kBlocking; })) {
    return out;
  }
  // The last write of each dataset in the call is the one that counts.
  std::map<DatasetKey, size_t> at;
  for (const lineage::Event& e : events) {
    if (e.kind != lineage::EventKind::kRun || e.state != lineage::RunState::kComplete) continue;
    std::vector<DatasetKey> inputs;
    for (const lineage::DatasetFacts& in : e.inputs) inputs.push_back(in.key);
    const Facts facts = FactsOfInputs(snapshot.entities(), inputs);
    for (const lineage::DatasetFacts& written : e.outputs) {
      absl::StatusOr<Dataset> d = store.GetDataset(written.key);
      if (!d.ok()) continue;  // an alias, or gone: nothing to hold to a rule
      std::vector<store::Store::RuleBreach> breaches;
      for (const Break& b : Breaks(rules, *d, facts, snapshot.entities(), now_ms)) {
        if (b.rule->mode != Mode::kBlocking || b.waiver != nullptr) continue;
        breaches.push_back({.rule = b.rule->name,
                            .message = b.rule->message,
                            .severity = SeverityName(b.rule->severity)});
      }
      auto [it, fresh] = at.emplace(d->key, out.size());
      if (fresh) {
        out.push_back({.dataset = d->key, .may_lapse = may_curate(d->key)});
      }
      out[it->second].breaches = std::move(breaches);
    }
  }
  return out;
}

}  // namespace catalog::governance

#include "server/governance/apply_gate.h"

#include <algorithm>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/governance/judge.h"

namespace catalog::governance {
namespace {

bool Enforced(const std::vector<Rule>& rules) {
  return std::any_of(rules.begin(), rules.end(),
                     [](const Rule& r) { return r.mode != Mode::kAdvisory; });
}

// Whether a warn or blocking rule covers `spec`.
bool EnforcedOn(const std::vector<Rule>& rules, const DatasetSpec& spec) {
  return std::any_of(rules.begin(), rules.end(), [&](const Rule& r) {
    return r.mode != Mode::kAdvisory && Covers(r, spec);
  });
}

}  // namespace

absl::StatusOr<std::vector<std::vector<std::string>>> JudgeApply(
    store::Store& store, const authz::Snapshot& snapshot, const lineage::LineageGraph* graph,
    std::vector<Resource>& resources, int64_t now_ms) {
  std::vector<std::vector<std::string>> warnings(resources.size());
  const std::vector<Rule>& rules = snapshot.rules();
  if (!Enforced(rules)) return warnings;
  for (size_t i = 0; i < resources.size(); ++i) {
    Resource& r = resources[i];
    if (r.kind != Resource::Kind::kDataset) continue;
    absl::StatusOr<Dataset> stored = store.GetDataset(r.dataset.key);
    if (!stored.ok() && stored.status().code() != absl::StatusCode::kNotFound) {
      return stored.status();
    }
    const Dataset* before = stored.ok() ? &*stored : nullptr;
    Dataset after = r.dataset;
    if (before != nullptr) {
      if (r.merge) after.spec = MergeDatasetSpec(before->spec, r.dataset.spec, r.fields);
      after.status = before->status;
      after.contract = before->contract;
      after.health = before->health;
    }
    const Facts facts = FactsOf(graph, snapshot.entities(), after.key);
    WriteVerdict verdict =
        JudgeWrite(rules, before, facts, after, facts, snapshot.entities(), now_ms);
    RETURN_IF_ERROR(Refusal(verdict, StrCat("resources[", i, "] (Dataset ",
                                            r.dataset.key.ToString(), ")")));
    warnings[i] = std::move(verdict.warnings);
    if (before != nullptr && r.expected_revision == 0 &&
        (EnforcedOn(rules, before->spec) || EnforcedOn(rules, after.spec))) {
      r.expected_revision = before->status.revision;
    }
  }
  return warnings;
}

}  // namespace catalog::governance

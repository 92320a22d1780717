// Judging datasets (and data products) against the governance rules in
// force (docs/governance.md#rules): which covered rules one breaks, and
// whether a write may go ahead.
//
// A rule's condition sees the dataset as policies do (its Cedar entity)
// plus facts only rules read: `description`, and `upstream_layers`, the
// layers of the datasets read by the jobs that write it (or, for a write
// about to happen, by that write).
//
//   Facts facts = FactsOf(&graph, snapshot->entities(), key);
//   for (const Break& b : Breaks(snapshot->rules(), dataset, facts, view, now)) ...
//
// Pure over its inputs and thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lib/catalog/model.h"
#include "lib/governance/rule.h"
#include "lib/policy/entities.h"

namespace catalog::lineage {
class LineageGraph;
}

namespace catalog::governance {

struct Facts {
  std::vector<std::string> upstream_layers;  // sorted, once each
};

// The layers of the datasets `key` is written from, as `graph` (active
// edges, one job away) and `entities` (their `layer`) have them. None when
// the graph is not loaded.
Facts FactsOf(const lineage::LineageGraph* graph, const policy::EntityView& entities,
              const DatasetKey& key);
// The layers of `inputs` (what a write about to happen reads).
Facts FactsOfInputs(const policy::EntityView& entities, const std::vector<DatasetKey>& inputs);
// FactsOf `d`, when a rule of `rules` that covers it reads them (finding
// them walks the graph); none otherwise.
Facts FactsFor(const std::vector<Rule>& rules, const lineage::LineageGraph* graph,
               const policy::EntityView& entities, const Dataset& d);

// The entity a rule judges: `d`'s Cedar entity with `facts`, placed under
// its ancestors in `entities`.
policy::Entity RuleSubject(const Dataset& d, const Facts& facts,
                           const policy::EntityView& entities);

struct Break {
  const Rule* rule = nullptr;
  Verdict verdict;
  const Waiver* waiver = nullptr;  // in force: the break is waived
};

// The rules of `rules` that cover `d` and that it breaks (waived ones
// with their waiver), in the order of `rules`; with `count_parts`, each
// with how many parts of its condition fail.
std::vector<Break> Breaks(const std::vector<Rule>& rules, const Dataset& d, const Facts& facts,
                          const policy::EntityView& entities, int64_t now_ms,
                          bool count_parts = true);

// Whether a write that makes `after` of `before` (nullptr: a new dataset)
// may go ahead. A blocking rule refuses it when `after` breaks the rule,
// unwaived, and either `before` did not, or `after` fails more of the
// condition's parts than `before` did (an object that already broke a
// rule is not frozen: changes that do not make it worse go ahead, with a
// warning), except a write that makes it verified: nobody vouches for a
// dataset that breaks a blocking rule. A warn rule's break is a warning.
struct WriteVerdict {
  std::vector<Break> refusals;
  std::vector<std::string> warnings;
  bool verifying = false;  // refused because the write would verify it
};
WriteVerdict JudgeWrite(const std::vector<Rule>& rules, const Dataset* before,
                        const Facts& before_facts, const Dataset& after,
                        const Facts& after_facts, const policy::EntityView& entities,
                        int64_t now_ms);

// Data products (rules of kind DataProduct). A product's subject is its
// Cedar entity (owners, tags, status, name, domain) plus facts only rules
// read: `purpose`, `usage`, `limitations`, `version`, and how many
// `output_ports` and `input_ports` it has.
policy::Entity ProductSubject(const DataProduct& p, const policy::EntityView& entities);
// The rules of `rules` that cover `p` and that it breaks, as Breaks.
std::vector<Break> ProductBreaks(const std::vector<Rule>& rules, const DataProduct& p,
                                 const policy::EntityView& entities, int64_t now_ms,
                                 bool count_parts = true);
// Whether a write that makes `after` of `before` (nullptr: a new product)
// may go ahead, as JudgeWrite decides for datasets.
WriteVerdict JudgeProductWrite(const std::vector<Rule>& rules, const DataProduct* before,
                               const DataProduct& after, const policy::EntityView& entities,
                               int64_t now_ms);

// A write's verdict from what it makes breaking `now` (advisory rules are
// left out, waived and warn breaks are warnings). For a blocking break,
// `prior` judges the rule on what stood before (nullopt: nothing, or it
// was not covered), counting parts, and counts this break's parts too
// (into b.verdict); a blocking break is a warning when it was broken
// before and is not made worse (unless `verifying`).
WriteVerdict Settle(std::vector<Break> now, bool verifying,
                    const std::function<std::optional<Verdict>(Break&)>& prior);

// "rule gold-owned (blocking, high): Gold needs an owner [condition
// error: ...]".
std::string Describe(const Break& b);
// FAILED_PRECONDITION naming every refusing rule ("refused by governance
// rule: rule gold-owned (blocking, high): ..."); OK when there is none.
absl::Status Refusal(const WriteVerdict& verdict);

}  // namespace catalog::governance

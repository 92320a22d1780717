// Judging a promotion (moving a model's alias to a version) against the
// governance rules of kind ModelVersion (docs/models.md#promotion-rules),
// with facts about the data the version was trained on.
//
// A rule's condition sees `resource`, the version's Cedar entity (with
// `resource.model`), and `context`: `alias` (the alias being moved),
// `training_inputs` (how many) and, once for each training input,
// `input` — the dataset's entity and what training took from it:
//
//   PromotionSubject s{.model = m, .version = v, .alias = "champion",
//                      .inputs = {InputFacts::Of(in, current, open)}};
//   WriteVerdict verdict = JudgePromotion(snapshot->rules(), s, view, now,
//   may_name);
//
// Pure over its inputs and thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lib/catalog/model.h"
#include "server/governance/judge.h"

namespace catalog::governance {

// What a version's training took from one dataset, and that dataset now.
struct InputFacts {
  DatasetKey dataset;
  int64_t revision = 0;                            // the dataset's, when the run trained on it
  int64_t schema_version = 0;                      // likewise
  int64_t revisions_since = 0;                     // how many revisions it has had since
  bool exists = true;                              // false: deleted since
  std::set<std::string> columns;                   // the columns training used ("a.b")
  std::set<std::string> unmasked_columns;          // those reaching the model unmasked
  std::set<std::string> unmasked_tags;             // the tags of those columns
  std::set<std::string> unmasked_classifications;  // and their classifications
  int64_t open_incidents = 0;

  // From the training run's column lineage for the model (`columns_json`:
  // [{"field", "input", "transformations": [{"masking": bool, …}]}]) and
  // the dataset as it is now (`current`: nullptr when deleted). A column is
  // masked when every path it takes to the model has a masking
  // transformation; with no column lineage from the dataset, every column
  // it has counts as used, unmasked.
  static InputFacts Of(const DatasetKey& dataset, int64_t revision, int64_t schema_version,
                       std::string_view columns_json, const Dataset* current,
                       int64_t open_incidents);
};

struct PromotionSubject {
  const Model* model = nullptr;
  const ModelVersion* version = nullptr;
  std::string alias;
  std::vector<InputFacts> inputs;
};

// Whether moving `s.alias` to `s.version` may go ahead: each rule of
// `rules` that covers the promotion is judged once per training input
// (once, without `context.input`, for a version trained on nothing
// recorded, or a condition that does not read it); it breaks when any
// input does, and the break names those inputs `may_name` allows
// (counting the rest in `hidden_inputs`). A blocking rule's unwaived break
// refuses the promotion, a warn rule's is a warning; advisory rules are
// not judged here.
WriteVerdict JudgePromotion(const std::vector<Rule>& rules, const PromotionSubject& s,
                            const policy::EntityView& entities, int64_t now_ms,
                            const std::function<bool(const DatasetKey&)>& may_name);

// Whether any of `rules` would judge promoting a version of `model` to
// `alias` (facts need gathering only then).
bool AnyPromotionRule(const std::vector<Rule>& rules, const Model& model, std::string_view alias);

}  // namespace catalog::governance

// Governance rules (docs/governance.md#rules): an organisation's standards
// written as code. A rule covers some datasets (by domain, layer, tier,
// classification, tags, glossary terms), or some of their columns, and
// holds a condition, a Cedar expression over `resource`, that each covered
// dataset (or column) must meet.
//
//   ASSIGN_OR_RETURN(Rule rule, ParseRule("gold-has-owner", spec_json));
//   if (Covers(rule, dataset)) Verdict v = Judge(rule, uid, entities);
//
// Parsing validates every field (errors name the manifest path, e.g.
// "spec.condition: ...") and compiles the condition once. Pure and
// thread-safe over const inputs.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"
#include "lib/policy/ast.h"
#include "lib/policy/entities.h"

namespace catalog::governance {

inline constexpr size_t kMaxRules = 500;
inline constexpr size_t kMaxConditionBytes = 8 * 1024;
inline constexpr size_t kMaxWaivers = 1000;

// advisory: reported only; warn: a write of a covered dataset that breaks
// it succeeds with a warning; blocking: such a write is refused.
enum class Mode { kAdvisory, kWarn, kBlocking };
enum class Severity { kLow, kMedium, kHigh, kCritical };

std::string ModeName(Mode m);
std::optional<Mode> ParseMode(std::string_view s);
std::string SeverityName(Severity s);
std::optional<Severity> ParseSeverity(std::string_view s);

// Which datasets a rule covers: each list given narrows (a dataset is
// covered when it matches every list given; within a list, any item).
// A rule of kind Column judges columns: domains, layers and tiers narrow
// their datasets; classifications, tags and terms the columns themselves.
// A rule of kind DataProduct judges data products, by domain and tags. A
// rule of kind ModelVersion judges a model version as an alias is moved to
// it (a promotion), by its model's domain and tags and the alias.
enum class CoveredKind { kDataset, kColumn, kDataProduct, kModelVersion };
struct Coverage {
  CoveredKind kind = CoveredKind::kDataset;
  std::vector<std::string> aliases;  // a ModelVersion rule's: promotions to them
  std::vector<std::string> domains;  // the domain or one beneath it
  std::vector<std::string> layers;
  std::vector<int> tiers;
  std::vector<Classification> classifications;
  std::vector<std::string> tags;   // any of them
  std::vector<std::string> terms;  // glossary terms' ids, any of them
};

// A covered dataset (or, for a DataProduct rule, product) that need not
// meet the rule until a time.
struct Waiver {
  DatasetKey dataset;
  std::string product;  // a DataProduct rule's: the product's id
  std::string model;    // a ModelVersion rule's: the model's name
  int64_t until_ms = 0;
  std::string until;  // as written
  std::string reason;
};

struct Rule {
  std::string name;
  int64_t version = 0;  // set by the store
  std::string description;
  Coverage covers;
  std::string condition;  // as written
  Severity severity = Severity::kMedium;
  Mode mode = Mode::kAdvisory;
  std::string message;  // what a refusal or a report says
  std::vector<Waiver> waivers;
  // The condition compiled, and its top-level `&&` parts (how far from
  // meeting it a dataset is: how many parts fail).
  std::shared_ptr<const policy::Expr> compiled;
  std::vector<const policy::Expr*> parts;
  // The condition reads `resource.upstream_layers` (its lineage facts
  // need finding only then).
  bool reads_upstream = false;
};

// `spec` is a GovernanceRule manifest's spec as JSON.
absl::StatusOr<Rule> ParseRule(std::string_view name, const nlohmann::json& spec);
// The spec as a manifest holds it (what ParseRule reads back).
nlohmann::json RuleSpecToJson(const Rule& rule);

// A rule's name: 1 to 63 lowercase letters, digits and '-', starting with
// a letter.
absl::Status ValidateRuleName(std::string_view path, std::string_view name);

// Whether `rule` covers `dataset` (its domain, layer, tier,
// classification, tags and terms, its own or, for terms, its columns'); a
// Column rule, whether it covers the dataset and one of its columns.
bool Covers(const Rule& rule, const DatasetSpec& dataset);
// Whether a Column rule covers column `f` (its classification, tags and
// terms) of a dataset it covers.
bool CoversColumn(const Rule& rule, const Field& f);
// Whether a DataProduct rule covers `product` (its domain and tags).
bool CoversProduct(const Rule& rule, const DataProductSpec& product);

// Whether a ModelVersion rule covers promoting a version of `model` to
// `alias` (the model's domain and tags, the alias).
bool CoversPromotion(const Rule& rule, const ModelSpec& model, std::string_view alias);

// The waiver for `key` (a DataProduct rule's: product `product`; a
// ModelVersion rule's: model `model`) in force at `now_ms`, or nullptr.
const Waiver* WaiverFor(const Rule& rule, const DatasetKey& key, int64_t now_ms);
const Waiver* ProductWaiverFor(const Rule& rule, std::string_view product, int64_t now_ms);
const Waiver* ModelWaiverFor(const Rule& rule, std::string_view model, int64_t now_ms);

struct Verdict {
  bool holds = true;
  int failing_parts = 0;  // of rule.parts (when counted); a Column rule's: columns
  std::string error;      // the condition could not be evaluated (it breaks)
  std::vector<std::string> columns;  // a Column rule's: those that break it ("a.b")
  // A ModelVersion rule's: the training inputs that break it ("ns/name"),
  // and how many more the reader may not be told of.
  std::vector<std::string> inputs;
  int hidden_inputs = 0;
};

// Judges the condition with `resource` bound to `subject` in `entities`
// (and `context` to `context`, when given). A condition that does not
// evaluate to a boolean breaks the rule, with `error` saying why. With
// `count_parts`, a broken rule's failing parts are counted (each part
// evaluated again).
Verdict Judge(const Rule& rule, const policy::EntityUid& subject,
              const policy::EntityView& entities, bool count_parts = true,
              const policy::Value* context = nullptr);

}  // namespace catalog::governance

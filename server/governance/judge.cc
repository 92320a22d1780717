#include "server/governance/judge.h"

#include <algorithm>
#include <map>

#include "lib/util/strings.h"
#include "server/authz/catalog_entities.h"
#include "server/lineage/graph.h"

namespace catalog::governance {
namespace {

void AddLayerOf(const policy::EntityView& entities, const DatasetKey& key,
                std::vector<std::string>& out) {
  const policy::Entity* e = entities.Find(authz::DatasetUid(key));
  if (e == nullptr) return;
  auto layer = e->attrs.find("layer");
  if (layer == e->attrs.end() || !layer->second.is(policy::Value::Kind::kString)) return;
  out.push_back(layer->second.as_string());
}

Facts Sorted(Facts f) {
  std::sort(f.upstream_layers.begin(), f.upstream_layers.end());
  f.upstream_layers.erase(std::unique(f.upstream_layers.begin(), f.upstream_layers.end()),
                          f.upstream_layers.end());
  return f;
}

}  // namespace

Facts FactsOf(const lineage::LineageGraph* graph, const policy::EntityView& entities,
              const DatasetKey& key) {
  Facts f;
  if (graph == nullptr || !graph->loaded()) return f;
  absl::StatusOr<lineage::Traversal> t = graph->Traverse(
      {.start = {.kind = lineage::NodeRef::Kind::kDataset, .dataset = key},
       .direction = lineage::Direction::kUpstream,
       .depth = 1});
  if (!t.ok()) return f;  // no lineage: nothing upstream
  for (size_t i = 1; i < t->nodes.size(); ++i) {
    const lineage::Traversal::Node& n = t->nodes[i];
    if (!n.is_job && n.depth == 1) AddLayerOf(entities, n.dataset, f.upstream_layers);
  }
  return Sorted(std::move(f));
}

Facts FactsOfInputs(const policy::EntityView& entities, const std::vector<DatasetKey>& inputs) {
  Facts f;
  for (const DatasetKey& k : inputs) AddLayerOf(entities, k, f.upstream_layers);
  return Sorted(std::move(f));
}

policy::Entity RuleSubject(const Dataset& d, const Facts& facts,
                           const policy::EntityView& entities) {
  policy::Entity e = authz::DatasetEntity(d);
  e.attrs["description"] = policy::Value::String(d.spec.description);
  std::vector<policy::Value> layers;
  for (const std::string& l : facts.upstream_layers) layers.push_back(policy::Value::String(l));
  e.attrs["upstream_layers"] = policy::Value::Set(std::move(layers));
  return authz::Placed(std::move(e), entities);
}

std::vector<Break> Breaks(const std::vector<Rule>& rules, const Dataset& d, const Facts& facts,
                          const policy::EntityView& entities, int64_t now_ms) {
  std::vector<Break> out;
  policy::Entities subject;
  bool built = false;
  for (const Rule& rule : rules) {
    if (!Covers(rule, d.spec)) continue;
    if (!built) {
      subject.Add(RuleSubject(d, facts, entities));
      built = true;
    }
    policy::OverlayEntities view(entities, subject);
    Verdict v = Judge(rule, authz::DatasetUid(d.key), view);
    if (v.holds) continue;
    out.push_back({.rule = &rule, .verdict = std::move(v), .waiver = WaiverFor(rule, d.key, now_ms)});
  }
  return out;
}

WriteVerdict JudgeWrite(const std::vector<Rule>& rules, const Dataset* before,
                        const Facts& before_facts, const Dataset& after,
                        const Facts& after_facts, const policy::EntityView& entities,
                        int64_t now_ms) {
  WriteVerdict out;
  std::vector<Break> now = Breaks(rules, after, after_facts, entities, now_ms);
  if (now.empty()) return out;
  std::map<const Rule*, int> was;  // failing parts before, by rule
  if (before != nullptr) {
    for (const Break& b : Breaks(rules, *before, before_facts, entities, now_ms)) {
      was[b.rule] = b.verdict.failing_parts;
    }
  }
  for (Break& b : now) {
    if (b.rule->mode == Mode::kAdvisory) continue;
    if (b.waiver != nullptr) {
      out.warnings.push_back(StrCat(Describe(b), " (waived until ", b.waiver->until, ": ",
                                    b.waiver->reason, ")"));
      continue;
    }
    if (b.rule->mode == Mode::kWarn) {
      out.warnings.push_back(Describe(b));
      continue;
    }
    auto prior = was.find(b.rule);
    if (prior != was.end() && b.verdict.failing_parts <= prior->second) {
      out.warnings.push_back(StrCat(Describe(b), " (broken before this change, not made worse)"));
      continue;
    }
    out.refusals.push_back(std::move(b));
  }
  return out;
}

std::string Describe(const Break& b) {
  std::string out = StrCat("rule ", b.rule->name, " (", ModeName(b.rule->mode), ", ",
                           SeverityName(b.rule->severity), "): ", b.rule->message);
  if (!b.verdict.error.empty()) out += StrCat(" [condition error: ", b.verdict.error, "]");
  return out;
}

absl::Status Refusal(const WriteVerdict& verdict, std::string_view what) {
  if (verdict.refusals.empty()) return absl::OkStatus();
  std::string message = StrCat(what, ": refused by governance ");
  message += verdict.refusals.size() == 1 ? "rule: " : "rules: ";
  for (size_t i = 0; i < verdict.refusals.size(); ++i) {
    if (i > 0) message += "; ";
    message += Describe(verdict.refusals[i]);
  }
  return absl::FailedPreconditionError(message);
}

}  // namespace catalog::governance

#include "server/governance/judge.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "absl/strings/str_join.h"
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

Facts FactsFor(const std::vector<Rule>& rules, const lineage::LineageGraph* graph,
               const policy::EntityView& entities, const Dataset& d) {
  for (const Rule& r : rules) {
    if (r.reads_upstream && Covers(r, d.spec)) return FactsOf(graph, entities, d.key);
  }
  return {};
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

namespace {

// A dataset as rules see it, over the snapshot's entities.
class Subject {
 public:
  Subject(const Dataset& d, const Facts& facts, const policy::EntityView& entities)
      : d_(d), uid_(authz::DatasetUid(d.key)), view_(entities, own_) {
    own_.Add(RuleSubject(d, facts, entities));
  }
  Verdict Judge(const Rule& rule, bool count_parts) const {
    if (rule.covers.kind == CoveredKind::kColumn) return JudgeColumns(rule, d_.spec.fields, "");
    return governance::Judge(rule, uid_, view_, count_parts);
  }

 private:
  // A Column rule: each covered column (nested ones "a.b") is judged as
  // its Column entity, under the dataset; the rule breaks when any does,
  // and counts the columns that do.
  Verdict JudgeColumns(const Rule& rule, const std::vector<Field>& fields,
                       const std::string& prefix) const {
    Verdict out;
    for (const Field& f : fields) {
      const std::string path = prefix.empty() ? f.name : StrCat(prefix, ".", f.name);
      if (CoversColumn(rule, f)) {
        policy::Entities column;
        column.Add(authz::ColumnEntity(
            d_.key, {path, f.type, f.tags, f.classification, f.terms}, own_.Find(uid_)));
        const policy::OverlayEntities view(view_, column);
        const Verdict v = governance::Judge(rule, authz::ColumnUid(d_.key, path), view, false);
        if (!v.holds) {
          out.holds = false;
          ++out.failing_parts;
          out.columns.push_back(path);
          if (out.error.empty()) out.error = v.error;
        }
      }
      Verdict inner = JudgeColumns(rule, f.fields, path);
      if (!inner.holds) {
        out.holds = false;
        out.failing_parts += inner.failing_parts;
        out.columns.insert(out.columns.end(), inner.columns.begin(), inner.columns.end());
        if (out.error.empty()) out.error = inner.error;
      }
    }
    return out;
  }

  const Dataset& d_;
  policy::EntityUid uid_;
  policy::Entities own_;
  policy::OverlayEntities view_;
};

}  // namespace

std::vector<Break> Breaks(const std::vector<Rule>& rules, const Dataset& d, const Facts& facts,
                          const policy::EntityView& entities, int64_t now_ms,
                          bool count_parts) {
  std::vector<Break> out;
  std::optional<Subject> subject;
  for (const Rule& rule : rules) {
    if (!Covers(rule, d.spec)) continue;
    if (!subject) subject.emplace(d, facts, entities);
    Verdict v = subject->Judge(rule, count_parts);
    if (v.holds) continue;
    out.push_back({.rule = &rule, .verdict = std::move(v), .waiver = WaiverFor(rule, d.key, now_ms)});
  }
  return out;
}

namespace {


// A data product as rules see it, over the snapshot's entities.
class ProductJudge {
 public:
  ProductJudge(const DataProduct& p, const policy::EntityView& entities)
      : uid_(authz::ProductUid(p.id)), view_(entities, own_) {
    own_.Add(ProductSubject(p, entities));
  }
  Verdict Judge(const Rule& rule, bool count_parts) const {
    return governance::Judge(rule, uid_, view_, count_parts);
  }

 private:
  policy::EntityUid uid_;
  policy::Entities own_;
  policy::OverlayEntities view_;
};

}  // namespace

WriteVerdict JudgeWrite(const std::vector<Rule>& rules, const Dataset* before,
                        const Facts& before_facts, const Dataset& after,
                        const Facts& after_facts, const policy::EntityView& entities,
                        int64_t now_ms) {
  const bool verifying = after.spec.certification.state == "verified" &&
                         (before == nullptr || before->spec.certification.state != "verified");
  std::optional<Subject> was, is;  // built for a blocking break only
  return Settle(Breaks(rules, after, after_facts, entities, now_ms, false), verifying,
                [&](Break& b) -> std::optional<Verdict> {
                  if (before == nullptr || !Covers(*b.rule, before->spec)) return std::nullopt;
                  if (!was) was.emplace(*before, before_facts, entities);
                  if (!is) is.emplace(after, after_facts, entities);
                  b.verdict = is->Judge(*b.rule, true);
                  return was->Judge(*b.rule, true);
                });
}

policy::Entity ProductSubject(const DataProduct& p, const policy::EntityView& entities) {
  policy::Entity e = authz::ProductEntity(p);
  e.attrs["purpose"] = policy::Value::String(p.spec.purpose);
  e.attrs["usage"] = policy::Value::String(p.spec.usage);
  e.attrs["limitations"] = policy::Value::String(p.spec.limitations);
  e.attrs["version"] = policy::Value::String(p.spec.version);
  e.attrs["output_ports"] = policy::Value::Long(static_cast<int64_t>(p.spec.output_ports.size()));
  e.attrs["input_ports"] = policy::Value::Long(static_cast<int64_t>(p.spec.input_ports.size()));
  return authz::Placed(std::move(e), entities);
}

std::vector<Break> ProductBreaks(const std::vector<Rule>& rules, const DataProduct& p,
                                 const policy::EntityView& entities, int64_t now_ms,
                                 bool count_parts) {
  std::vector<Break> out;
  std::optional<ProductJudge> judge;
  for (const Rule& rule : rules) {
    if (!CoversProduct(rule, p.spec)) continue;
    if (!judge) judge.emplace(p, entities);
    Verdict v = judge->Judge(rule, count_parts);
    if (v.holds) continue;
    out.push_back(
        {.rule = &rule, .verdict = std::move(v), .waiver = ProductWaiverFor(rule, p.id, now_ms)});
  }
  return out;
}

WriteVerdict JudgeProductWrite(const std::vector<Rule>& rules, const DataProduct* before,
                               const DataProduct& after, const policy::EntityView& entities,
                               int64_t now_ms) {
  std::optional<ProductJudge> was, is;
  return Settle(ProductBreaks(rules, after, entities, now_ms, false), /*verifying=*/false,
                [&](Break& b) -> std::optional<Verdict> {
                  if (before == nullptr || !CoversProduct(*b.rule, before->spec)) {
                    return std::nullopt;
                  }
                  if (!was) was.emplace(*before, entities);
                  if (!is) is.emplace(after, entities);
                  b.verdict = is->Judge(*b.rule, true);
                  return was->Judge(*b.rule, true);
                });
}

// A write's verdict from what it makes breaking `now`. For a blocking
// break, `prior` judges the rule on what stood before (nullopt: nothing,
// or it was not covered), counting parts, and counts this break's parts
// too (into b.verdict).
WriteVerdict Settle(std::vector<Break> now, bool verifying,
                    const std::function<std::optional<Verdict>(Break&)>& prior) {
  WriteVerdict out;
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
    // Blocking: refused unless it broke the rule before and this write
    // fails no more of the condition's parts.
    const std::optional<Verdict> was = prior(b);
    if (was && !was->holds && b.verdict.failing_parts <= was->failing_parts && !verifying) {
      out.warnings.push_back(StrCat(Describe(b), " (broken before this change, not made worse)"));
      continue;
    }
    out.verifying = out.verifying || verifying;
    out.refusals.push_back(std::move(b));
  }
  return out;
}

std::string Describe(const Break& b) {
  std::string out = StrCat("rule ", b.rule->name, " (", ModeName(b.rule->mode), ", ",
                           SeverityName(b.rule->severity), "): ", b.rule->message);
  if (!b.verdict.columns.empty()) {
    out += StrCat(" (column", b.verdict.columns.size() == 1 ? " " : "s ",
                  absl::StrJoin(b.verdict.columns, ", "), ")");
  }
  if (!b.verdict.inputs.empty() || b.verdict.hidden_inputs > 0) {
    const size_t n = b.verdict.inputs.size() + static_cast<size_t>(b.verdict.hidden_inputs);
    out += StrCat(" (training input", n == 1 ? " " : "s ", absl::StrJoin(b.verdict.inputs, ", "));
    if (b.verdict.hidden_inputs > 0) {
      out += StrCat(b.verdict.inputs.empty() ? "" : " and ", b.verdict.hidden_inputs,
                    " you may not read");
    }
    out += ")";
  }
  if (!b.verdict.error.empty()) out += StrCat(" [condition error: ", b.verdict.error, "]");
  return out;
}

absl::Status Refusal(const WriteVerdict& verdict) {
  if (verdict.refusals.empty()) return absl::OkStatus();
  std::string message = verdict.verifying
                            ? "a dataset that breaks a blocking rule is not verified: refused by "
                              "governance "
                            : "refused by governance ";
  message += verdict.refusals.size() == 1 ? "rule: " : "rules: ";
  for (size_t i = 0; i < verdict.refusals.size(); ++i) {
    if (i > 0) message += "; ";
    message += Describe(verdict.refusals[i]);
  }
  return absl::FailedPreconditionError(message);
}

}  // namespace catalog::governance

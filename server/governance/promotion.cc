#include "server/governance/promotion.h"

#include <map>
#include <nlohmann/json.hpp>

#include "lib/util/strings.h"
#include "server/authz/catalog_entities.h"

namespace catalog::governance {
namespace {

policy::Value StringSet(const std::set<std::string>& items) {
  std::vector<policy::Value> out;
  out.reserve(items.size());
  for (const std::string& s : items) out.push_back(policy::Value::String(s));
  return policy::Value::Set(std::move(out));
}

policy::Value InputRecord(const InputFacts& in) {
  return policy::Value::Record({
      {"dataset", policy::Value::Entity(authz::DatasetUid(in.dataset))},
      {"name", policy::Value::String(in.dataset.ToString())},
      {"exists", policy::Value::Bool(in.exists)},
      {"revision", policy::Value::Long(in.revision)},
      {"schema_version", policy::Value::Long(in.schema_version)},
      {"revisions_since", policy::Value::Long(in.revisions_since)},
      {"columns", StringSet(in.columns)},
      {"unmasked_columns", StringSet(in.unmasked_columns)},
      {"unmasked_tags", StringSet(in.unmasked_tags)},
      {"unmasked_classifications", StringSet(in.unmasked_classifications)},
      {"open_incidents", policy::Value::Long(in.open_incidents)},
  });
}

policy::Value Context(const PromotionSubject& s, const InputFacts* input) {
  policy::ValueRecord r{
      {"alias", policy::Value::String(s.alias)},
      {"training_inputs", policy::Value::Long(static_cast<int64_t>(s.inputs.size()))},
  };
  if (input != nullptr) r.emplace("input", InputRecord(*input));
  return policy::Value::Record(std::move(r));
}

// Whether the condition reads the training input (and so is judged once
// for each).
bool ReadsInput(const Rule& rule) { return rule.condition.find("input") != std::string::npos; }

}  // namespace

InputFacts InputFacts::Of(const DatasetKey& dataset, int64_t revision, int64_t schema_version,
                          std::string_view columns_json, const Dataset* current,
                          int64_t open_incidents) {
  InputFacts f{.dataset = dataset,
               .revision = revision,
               .schema_version = schema_version,
               .exists = current != nullptr,
               .open_incidents = open_incidents};
  if (current != nullptr)
    f.revisions_since = std::max<int64_t>(0, current->status.revision - revision);
  // Each input column named by the lineage, and whether every path it takes
  // to the model masks it.
  std::map<std::string, bool> masked;
  nlohmann::json lineage = nlohmann::json::parse(columns_json, nullptr, false);
  if (lineage.is_array()) {
    for (const nlohmann::json& edge : lineage) {
      if (!edge.is_object()) continue;
      const std::string column = edge.value("input", std::string());
      if (column.empty()) continue;  // the whole dataset: no column named
      bool masking = false;
      auto t = edge.find("transformations");
      if (t != edge.end() && t->is_array()) {
        for (const nlohmann::json& step : *t) {
          masking = masking || (step.is_object() && step.value("masking", false));
        }
      }
      auto [it, inserted] = masked.emplace(column, masking);
      if (!inserted) it->second = it->second && masking;
    }
  }
  std::vector<authz::ColumnInfo> known;
  if (current != nullptr) known = authz::FlattenColumns(current->spec.fields);
  if (masked.empty()) {
    // No column lineage from this dataset: all of it, unmasked.
    for (const authz::ColumnInfo& c : known) masked.emplace(c.path, false);
  }
  for (const auto& [column, is_masked] : masked) {
    f.columns.insert(column);
    if (is_masked) continue;
    f.unmasked_columns.insert(column);
    for (const authz::ColumnInfo& c : known) {
      if (c.path != column) continue;
      f.unmasked_tags.insert(c.tags.begin(), c.tags.end());
      const std::string cls = ClassificationName(c.classification);
      if (!cls.empty()) f.unmasked_classifications.insert(cls);
    }
  }
  return f;
}

bool AnyPromotionRule(const std::vector<Rule>& rules, const Model& model, std::string_view alias) {
  for (const Rule& r : rules) {
    if (CoversPromotion(r, model.spec, alias)) return true;
  }
  return false;
}

WriteVerdict JudgePromotion(const std::vector<Rule>& rules, const PromotionSubject& s,
                            const policy::EntityView& entities, int64_t now_ms,
                            const std::function<bool(const DatasetKey&)>& may_name) {
  policy::Entities own;
  own.Add(authz::Placed(authz::ModelVersionEntity(*s.version), entities));
  const policy::OverlayEntities view(entities, own);
  const policy::EntityUid uid = authz::ModelVersionUid(s.version->model, s.version->version);
  std::vector<Break> breaks;
  for (const Rule& rule : rules) {
    if (rule.mode == Mode::kAdvisory || !CoversPromotion(rule, s.model->spec, s.alias)) continue;
    Verdict verdict;
    if (s.inputs.empty() || !ReadsInput(rule)) {
      const policy::Value context = Context(s, nullptr);
      verdict = Judge(rule, uid, view, false, &context);
    } else {
      for (const InputFacts& in : s.inputs) {
        const policy::Value context = Context(s, &in);
        const Verdict v = Judge(rule, uid, view, false, &context);
        if (v.holds) continue;
        verdict.holds = false;
        // What breaks on an input the caller may not read is not told: not
        // its name, nor an error that would quote it.
        const bool named = may_name(in.dataset);
        if (named) {
          verdict.inputs.push_back(in.dataset.ToString());
        } else {
          ++verdict.hidden_inputs;
        }
        if (verdict.error.empty() && !v.error.empty()) {
          verdict.error = named ? v.error : "not evaluable for an input you may not read";
        }
      }
    }
    if (verdict.holds) continue;
    breaks.push_back({.rule = &rule,
                      .verdict = std::move(verdict),
                      .waiver = ModelWaiverFor(rule, s.model->name, now_ms)});
  }
  return Settle(std::move(breaks), /*verifying=*/false,
                [](Break&) -> std::optional<Verdict> { return std::nullopt; });
}

}  // namespace catalog::governance

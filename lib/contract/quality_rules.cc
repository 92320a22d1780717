#include "lib/contract/quality_rules.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "lib/util/strings.h"

namespace catalog::contract {
namespace {

// v3.0 `rule:` names, and v3.1's `metric:` names, as v3.1 metrics.
std::string MetricOf(const Node& rule) {
  std::string metric = rule.String("metric");
  if (metric.empty()) metric = rule.String("rule");
  if (metric == "duplicateCount") return "duplicateValues";
  if (metric == "nullCount" || metric == "nullCheck") return "nullValues";
  if (metric == "validValues") return "invalidValues";
  return metric;
}

std::string Number(double v) {
  if (std::isfinite(v) && std::fabs(v) < 1e15 && v == std::floor(v)) {
    return std::to_string(static_cast<int64_t>(v));
  }
  return nlohmann::json(v).dump();
}

// The rule's comparison and whether `v` passes it; nothing when the rule
// has no usable operator.
struct Comparison {
  std::string text;  // "mustBeLessThan 5"
  bool (*holds)(double v, double a, double b) = nullptr;
  double a = 0, b = 0;
};

std::optional<Comparison> ComparisonOf(const Node& rule) {
  struct Op {
    const char* name;
    bool (*holds)(double, double, double);
  };
  static const Op kSingle[] = {
      {"mustBe", [](double v, double a, double) { return v == a; }},
      {"mustNotBe", [](double v, double a, double) { return v != a; }},
      {"mustBeGreaterThan", [](double v, double a, double) { return v > a; }},
      {"mustBeGreaterOrEqualTo", [](double v, double a, double) { return v >= a; }},
      {"mustBeGreaterThanOrEqualTo", [](double v, double a, double) { return v >= a; }},
      {"mustBeLessThan", [](double v, double a, double) { return v < a; }},
      {"mustBeLessOrEqualTo", [](double v, double a, double) { return v <= a; }},
      {"mustBeLessThanOrEqualTo", [](double v, double a, double) { return v <= a; }},
  };
  for (const Op& op : kSingle) {
    const Node* n = rule.Find(op.name);
    if (n != nullptr && n->IsNumber()) {
      return Comparison{StrCat(op.name, " ", Number(n->number)), op.holds, n->number, 0};
    }
  }
  static const Op kRange[] = {
      {"mustBeBetween", [](double v, double a, double b) { return v >= a && v <= b; }},
      {"mustNotBeBetween", [](double v, double a, double b) { return v < a || v > b; }},
  };
  for (const Op& op : kRange) {
    const Node* n = rule.Find(op.name);
    if (n != nullptr && n->IsSeq() && n->items.size() == 2 && n->items[0].IsNumber() &&
        n->items[1].IsNumber()) {
      double a = n->items[0].number, b = n->items[1].number;
      return Comparison{StrCat(op.name, " [", Number(a), ", ", Number(b), "]"), op.holds, a, b};
    }
  }
  return std::nullopt;
}

// Whether the rule's arguments.missingValues counts anything but null as
// missing (events count nulls only).
bool MissingBeyondNull(const Node& rule) {
  const Node* args = rule.Find("arguments");
  const Node* values = args ? args->Find("missingValues") : nullptr;
  if (values == nullptr || !values->IsSeq()) return false;
  for (const Node& v : values->items) {
    if (v.kind != Node::Kind::kNull) return true;
  }
  return false;
}

// `column`: the property's column in the events ("" for the object).
RuleOutcome Judge(const QualityRule& q, const std::string& property, const std::string& column,
                  const Measurements& m) {
  const Node& rule = *q.node;
  RuleOutcome out{.rule = q.key,
                  .property = property,
                  .column = column,
                  .metric = MetricOf(rule),
                  .status = "not_measured",
                  .severity = rule.String("severity")};
  std::string unit = rule.String("unit");
  if (unit.empty()) unit = "rows";
  std::optional<Comparison> cmp = ComparisonOf(rule);
  if (cmp) out.expected = StrCat(cmp->text, " ", unit);
  auto not_measured = [&](std::string why) {
    out.actual = StrCat("not measured: ", why);
    return out;
  };
  if (!cmp) return not_measured("the rule has no numeric comparison (mustBe, mustBeLessThan, ...)");
  if (unit != "rows" && unit != "percent") {
    return not_measured(StrCat("unit \"", unit, "\" is neither rows nor percent"));
  }
  const Measurements::Column* col = nullptr;
  if (!property.empty()) {
    auto it = m.columns.find(column);
    if (it != m.columns.end()) col = &it->second;
  }
  std::optional<double> count;  // rows of which the count is a part
  if (col && col->count) count = col->count;
  if (!count) count = m.row_count;
  std::optional<double> rows;
  if (out.metric == "rowCount") {
    if (!property.empty()) return not_measured("rowCount is a rule of the whole object");
    if (unit != "rows") return not_measured("rowCount is counted in rows");
    if (!m.row_count) return not_measured("the event carries no rowCount");
    rows = m.row_count;
  } else if (out.metric == "nullValues" || out.metric == "missingValues") {
    if (property.empty()) return not_measured(StrCat(out.metric, " needs a property"));
    if (out.metric == "missingValues" && MissingBeyondNull(rule)) {
      return not_measured("values other than null counted as missing are not in the events");
    }
    if (!col || !col->null_count) {
      return not_measured(StrCat("the event carries no nullCount for ", column));
    }
    rows = col->null_count;
  } else if (out.metric == "duplicateValues") {
    if (property.empty()) return not_measured("duplicateValues needs a property");
    if (!col || !col->distinct_count || !count) {
      return not_measured(StrCat("the event carries no distinctCount and count for ", column));
    }
    rows = *count - *col->distinct_count;
  } else if (out.metric == "invalidValues") {
    return not_measured("no OpenLineage metric counts invalid values");
  } else {
    return not_measured(StrCat("\"", out.metric, "\" is not a library metric"));
  }
  double value = *rows;
  if (unit == "percent") {
    if (!count || *count <= 0) return not_measured("no row count to take a percentage of");
    value = *rows * 100 / *count;
  }
  out.value = value;
  out.actual = StrCat(Number(value), " ", unit);
  out.status = cmp->holds(value, cmp->a, cmp->b) ? "pass" : "fail";
  return out;
}

bool IsLibraryRule(const Node& rule) {
  std::string type = rule.String("type");
  if (!type.empty() && type != "library") return false;
  return !rule.String("metric").empty() || !rule.String("rule").empty();
}

// A property's column as events name it: its physicalName, else its path
// below the object ("customer.city").
std::string ColumnOf(const Object& object, const Property& p) {
  if (!p.physical_name.empty()) return p.physical_name;
  return p.path.substr(std::min(p.path.size(), object.name.size() + 1));
}

void JudgeProperties(const Object& object, const std::vector<Property>& properties,
                     const Measurements& m, std::vector<RuleOutcome>& out) {
  for (const Property& p : properties) {
    for (const QualityRule& q : p.quality) {
      if (q.node != nullptr && IsLibraryRule(*q.node)) {
        out.push_back(Judge(q, p.path, ColumnOf(object, p), m));
      }
    }
    JudgeProperties(object, p.properties, m, out);
  }
}

}  // namespace

std::vector<RuleOutcome> JudgeQualityRules(const Object& object, const Measurements& measured) {
  std::vector<RuleOutcome> out;
  for (const QualityRule& q : object.quality) {
    if (q.node != nullptr && IsLibraryRule(*q.node)) out.push_back(Judge(q, "", "", measured));
  }
  JudgeProperties(object, object.properties, measured, out);
  return out;
}

}  // namespace catalog::contract

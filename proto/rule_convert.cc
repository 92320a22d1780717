#include "proto/rule_convert.h"

#include <nlohmann/json.hpp>

#include "proto/convert.h"

namespace catalog {

using nlohmann::json;

json RuleSpecOf(const v1::GovernanceRule& rule) {
  json spec = json::object();
  if (!rule.description().empty()) spec["description"] = rule.description();
  json covers = json::object();
  const v1::RuleCoverage& c = rule.covers();
  auto list = [](const auto& repeated) {
    json out = json::array();
    for (const auto& item : repeated) out.push_back(item);
    return out;
  };
  if (c.domains_size() > 0) covers["domains"] = list(c.domains());
  if (c.layers_size() > 0) covers["layers"] = list(c.layers());
  if (c.tiers_size() > 0) covers["tiers"] = list(c.tiers());
  if (c.classifications_size() > 0) covers["classifications"] = list(c.classifications());
  if (c.tags_size() > 0) covers["tags"] = list(c.tags());
  if (c.terms_size() > 0) covers["terms"] = list(c.terms());
  if (c.aliases_size() > 0) covers["aliases"] = list(c.aliases());
  if (!c.kind().empty()) covers["kind"] = c.kind();
  if (!covers.empty()) spec["covers"] = covers;
  spec["condition"] = rule.condition();
  if (!rule.severity().empty()) spec["severity"] = rule.severity();
  if (!rule.mode().empty()) spec["mode"] = rule.mode();
  if (!rule.message().empty()) spec["message"] = rule.message();
  if (rule.waivers_size() > 0) {
    json waivers = json::array();
    for (const v1::RuleWaiver& w : rule.waivers()) {
      json waiver = {{"until", w.until()}, {"reason", w.reason()}};
      if (!w.model().empty()) {
        waiver["model"] = w.model();
      } else if (!w.product().empty()) {
        waiver["product"] = w.product();
      } else {
        waiver["dataset"] = w.dataset();
      }
      waivers.push_back(std::move(waiver));
    }
    spec["waivers"] = waivers;
  }
  return spec;
}

v1::GovernanceRule RuleToProto(const governance::Rule& r) {
  v1::GovernanceRule out;
  out.set_name(r.name);
  out.set_version(r.version);
  out.set_description(r.description);
  v1::RuleCoverage* c = out.mutable_covers();
  for (const std::string& d : r.covers.domains) c->add_domains(d);
  for (const std::string& l : r.covers.layers) c->add_layers(l);
  for (int t : r.covers.tiers) c->add_tiers(t);
  for (Classification k : r.covers.classifications) c->add_classifications(ClassificationName(k));
  for (const std::string& t : r.covers.tags) c->add_tags(t);
  for (const std::string& t : r.covers.terms) c->add_terms(t);
  for (const std::string& a : r.covers.aliases) c->add_aliases(a);
  if (r.covers.kind == governance::CoveredKind::kColumn) c->set_kind("Column");
  if (r.covers.kind == governance::CoveredKind::kDataProduct) c->set_kind("DataProduct");
  if (r.covers.kind == governance::CoveredKind::kModelVersion) c->set_kind("ModelVersion");
  out.set_condition(r.condition);
  out.set_severity(governance::SeverityName(r.severity));
  out.set_mode(governance::ModeName(r.mode));
  out.set_message(r.message);
  for (const governance::Waiver& w : r.waivers) {
    v1::RuleWaiver* pw = out.add_waivers();
    if (!w.model.empty()) {
      pw->set_model(w.model);
    } else if (!w.product.empty()) {
      pw->set_product(w.product);
    } else {
      pw->set_dataset(w.dataset.ToString());
    }
    pw->set_until(w.until);
    pw->set_reason(w.reason);
  }
  return out;
}

v1::RuleBreak RuleBreakToProto(const governance::Rule& rule, const governance::Verdict& verdict,
                               const governance::Waiver* waiver, const DatasetKey& dataset) {
  v1::RuleBreak out;
  out.set_rule(rule.name);
  *out.mutable_dataset() = ToProto(dataset);
  out.set_mode(governance::ModeName(rule.mode));
  out.set_severity(governance::SeverityName(rule.severity));
  out.set_message(rule.message);
  out.set_error(verdict.error);
  out.set_failing_parts(verdict.failing_parts);
  for (const std::string& c : verdict.columns) out.add_columns(c);
  if (waiver != nullptr) {
    out.set_waived_until(waiver->until);
    out.set_waiver_reason(waiver->reason);
  }
  return out;
}

}  // namespace catalog

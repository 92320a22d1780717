#include "lib/governance/rule.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "lib/catalog/data_product.h"
#include "lib/catalog/validate.h"
#include "lib/policy/evaluator.h"
#include "lib/policy/parser.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::governance {
namespace {

using nlohmann::json;

absl::Status Bad(std::string_view path, std::string_view rule) {
  return absl::InvalidArgumentError(StrCat(path, ": ", rule));
}

absl::StatusOr<std::string> TextAt(const json& spec, const char* key, std::string_view path,
                                   bool required) {
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) {
    if (required) return Bad(path, "is required");
    return std::string();
  }
  if (!it->is_string()) return Bad(path, "must be a string");
  if (required && it->get_ref<const std::string&>().empty()) return Bad(path, "is required");
  return it->get<std::string>();
}

// A list of strings (a single string stands for a list of one).
absl::StatusOr<std::vector<std::string>> TextsAt(const json& covers, const char* key,
                                                 std::string_view path) {
  std::vector<std::string> out;
  auto it = covers.find(key);
  if (it == covers.end() || it->is_null()) return out;
  if (it->is_string()) return std::vector<std::string>{it->get<std::string>()};
  if (!it->is_array()) return Bad(path, "must be a list of strings");
  if (it->size() > kMaxListItems) {
    return Bad(path, StrCat("has ", it->size(), " items; at most ", kMaxListItems));
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    if (!item.is_string()) return Bad(StrCat(path, "[", i, "]"), "must be a string");
    if (seen.insert(item.get<std::string>()).second) out.push_back(item.get<std::string>());
  }
  return out;
}

absl::StatusOr<Coverage> ParseCoverage(const json& spec) {
  Coverage c;
  auto it = spec.find("covers");
  if (it == spec.end() || it->is_null()) return c;
  if (!it->is_object()) return Bad("spec.covers", "must be a mapping");
  static const std::set<std::string> kKnown = {
      "kind", "domains", "layers", "tiers", "classifications", "tags", "terms", "aliases"};
  for (const auto& [key, value] : it->items()) {
    if (!kKnown.contains(key)) {
      return Bad(StrCat("spec.covers.", key),
                 "is not a coverage (kind, domains, layers, tiers, "
                 "classifications, tags, "
                 "terms, aliases)");
    }
  }
  ASSIGN_OR_RETURN(std::string kind, TextAt(*it, "kind", "spec.covers.kind", false));
  if (kind == "Column") {
    c.kind = CoveredKind::kColumn;
  } else if (kind == "DataProduct") {
    c.kind = CoveredKind::kDataProduct;
    for (const char* key : {"layers", "tiers", "classifications", "terms"}) {
      if (it->contains(key)) {
        return Bad(StrCat("spec.covers.", key),
                   "a DataProduct rule covers products by domains and tags only");
      }
    }
  } else if (kind == "ModelVersion") {
    c.kind = CoveredKind::kModelVersion;
    for (const char* key : {"layers", "tiers", "classifications", "terms"}) {
      if (it->contains(key)) {
        return Bad(StrCat("spec.covers.", key),
                   "a ModelVersion rule covers promotions by domains, tags and "
                   "aliases only");
      }
    }
  } else if (!kind.empty() && kind != "Dataset") {
    return Bad("spec.covers.kind", StrCat("\"", kind,
                                          "\" is not a kind rules cover (Dataset, Column, "
                                          "DataProduct, ModelVersion)"));
  }
  if (c.kind != CoveredKind::kModelVersion && it->contains("aliases")) {
    return Bad("spec.covers.aliases", "only a ModelVersion rule covers aliases");
  }
  ASSIGN_OR_RETURN(c.aliases, TextsAt(*it, "aliases", "spec.covers.aliases"));
  for (size_t i = 0; i < c.aliases.size(); ++i) {
    RETURN_IF_ERROR(ValidateModelAlias(StrCat("spec.covers.aliases[", i, "]"), c.aliases[i]));
  }
  ASSIGN_OR_RETURN(c.terms, TextsAt(*it, "terms", "spec.covers.terms"));
  for (size_t i = 0; i < c.terms.size(); ++i) {
    RETURN_IF_ERROR(ValidateTermId(StrCat("spec.covers.terms[", i, "]"), c.terms[i]));
  }
  ASSIGN_OR_RETURN(c.domains, TextsAt(*it, "domains", "spec.covers.domains"));
  for (size_t i = 0; i < c.domains.size(); ++i) {
    RETURN_IF_ERROR(ValidateDomainPath(StrCat("spec.covers.domains[", i, "]"), c.domains[i]));
  }
  ASSIGN_OR_RETURN(c.layers, TextsAt(*it, "layers", "spec.covers.layers"));
  for (size_t i = 0; i < c.layers.size(); ++i) {
    RETURN_IF_ERROR(ValidateLayerName(StrCat("spec.covers.layers[", i, "]"), c.layers[i]));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> classes,
                   TextsAt(*it, "classifications", "spec.covers.classifications"));
  for (size_t i = 0; i < classes.size(); ++i) {
    std::optional<Classification> parsed = ParseClassification(classes[i]);
    if (!parsed || *parsed == Classification::kUnspecified) {
      return Bad(StrCat("spec.covers.classifications[", i, "]"),
                 StrCat("\"", classes[i],
                        "\" is not a classification (public, internal, confidential, "
                        "restricted)"));
    }
    c.classifications.push_back(*parsed);
  }
  ASSIGN_OR_RETURN(c.tags, TextsAt(*it, "tags", "spec.covers.tags"));
  for (size_t i = 0; i < c.tags.size(); ++i) {
    RETURN_IF_ERROR(
        ValidateName(StrCat("spec.covers.tags[", i, "]"), c.tags[i], kMaxShortNameBytes));
  }
  auto tiers = it->find("tiers");
  if (tiers != it->end() && !tiers->is_null()) {
    json list = tiers->is_array() ? *tiers : json::array({*tiers});
    for (size_t i = 0; i < list.size(); ++i) {
      const json& t = list[i];
      int tier = 0;
      if (t.is_number_integer()) {
        tier = t.get<int>();
      } else if (t.is_string() && t.get<std::string>().size() == 1) {
        tier = t.get<std::string>()[0] - '0';  // YAML scalars arrive as text
      }
      if (tier < 1 || tier > 5) {
        return Bad(StrCat("spec.covers.tiers[", i, "]"),
                   StrCat(t.dump(), " is not a tier: 1 (most critical) to 5"));
      }
      if (std::find(c.tiers.begin(), c.tiers.end(), tier) == c.tiers.end()) {
        c.tiers.push_back(tier);
      }
    }
  }
  return c;
}

absl::StatusOr<std::vector<Waiver>> ParseWaivers(const json& spec, CoveredKind kind) {
  std::vector<Waiver> out;
  auto it = spec.find("waivers");
  if (it == spec.end() || it->is_null()) return out;
  if (!it->is_array()) return Bad("spec.waivers", "must be a list");
  if (it->size() > kMaxWaivers) {
    return Bad("spec.waivers", StrCat("has ", it->size(), " items; at most ", kMaxWaivers));
  }
  for (size_t i = 0; i < it->size(); ++i) {
    std::string path = StrCat("spec.waivers[", i, "]");
    const json& w = (*it)[i];
    const bool product = kind == CoveredKind::kDataProduct;
    const bool model = kind == CoveredKind::kModelVersion;
    if (!w.is_object()) {
      return Bad(path, product ? "must be a mapping (product, until, reason)"
                       : model ? "must be a mapping (model, until, reason)"
                               : "must be a mapping (dataset, until, reason)");
    }
    Waiver waiver;
    if (model) {
      // A promotion rule's waiver names a model: all its versions.
      if (w.contains("dataset")) {
        return Bad(StrCat(path, ".dataset"), "a ModelVersion rule's waiver names a model");
      }
      ASSIGN_OR_RETURN(waiver.model, TextAt(w, "model", StrCat(path, ".model"), true));
      RETURN_IF_ERROR(ValidateModelName(StrCat(path, ".model"), waiver.model));
    } else if (product) {
      // A product rule's waiver names a product, not a dataset.
      if (w.contains("dataset")) {
        return Bad(StrCat(path, ".dataset"), "a DataProduct rule's waiver names a product");
      }
      ASSIGN_OR_RETURN(waiver.product, TextAt(w, "product", StrCat(path, ".product"), true));
      RETURN_IF_ERROR(ValidateProductId(StrCat(path, ".product"), waiver.product));
    } else {
      ASSIGN_OR_RETURN(std::string dataset, TextAt(w, "dataset", StrCat(path, ".dataset"), true));
      absl::StatusOr<DatasetKey> key = ParseDatasetKey(dataset);
      if (!key.ok()) {
        return Bad(StrCat(path, ".dataset"), StrCat("\"", dataset, "\" is not NAMESPACE/NAME"));
      }
      waiver.dataset = *std::move(key);
    }
    ASSIGN_OR_RETURN(waiver.until, TextAt(w, "until", StrCat(path, ".until"), true));
    ASSIGN_OR_RETURN(waiver.until_ms,
                     ParseCertificationExpiry(StrCat(path, ".until"), waiver.until));
    ASSIGN_OR_RETURN(waiver.reason, TextAt(w, "reason", StrCat(path, ".reason"), true));
    RETURN_IF_ERROR(ValidateText(StrCat(path, ".reason"), waiver.reason, 1024));
    if (waiver.reason.empty()) return Bad(StrCat(path, ".reason"), "is required");
    out.push_back(std::move(waiver));
  }
  return out;
}

void CollectParts(const policy::Expr& e, std::vector<const policy::Expr*>& out) {
  if (e.kind == policy::Expr::Kind::kAnd) {
    for (const policy::Expr& child : e.children) CollectParts(child, out);
    return;
  }
  out.push_back(&e);
}

std::optional<bool> Holds(const policy::Expr& expr, const policy::Request& request,
                          const policy::EntityView& entities, std::string* error) {
  std::optional<policy::Value> v = policy::Evaluate(expr, request, entities, error);
  if (!v) return std::nullopt;
  if (!v->is(policy::Value::Kind::kBool)) {
    *error = StrCat("the condition is ", v->ToString(), ", not a boolean");
    return std::nullopt;
  }
  return v->as_bool();
}

}  // namespace

std::string ModeName(Mode m) {
  switch (m) {
    case Mode::kAdvisory:
      return "advisory";
    case Mode::kWarn:
      return "warn";
    case Mode::kBlocking:
      return "blocking";
  }
  return "advisory";
}

std::optional<Mode> ParseMode(std::string_view s) {
  if (s == "advisory") return Mode::kAdvisory;
  if (s == "warn") return Mode::kWarn;
  if (s == "blocking") return Mode::kBlocking;
  return std::nullopt;
}

std::string SeverityName(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "medium";
}

std::optional<Severity> ParseSeverity(std::string_view s) {
  if (s == "low") return Severity::kLow;
  if (s == "medium") return Severity::kMedium;
  if (s == "high") return Severity::kHigh;
  if (s == "critical") return Severity::kCritical;
  return std::nullopt;
}

absl::Status ValidateRuleName(std::string_view path, std::string_view name) {
  auto rule = [&] {
    return Bad(path, StrCat("\"", name.substr(0, 80),
                            "\" is not a rule name: 1 to 63 lowercase letters, digits and "
                            "'-', starting with a letter"));
  };
  if (name.empty() || name.size() > 63 || name[0] < 'a' || name[0] > 'z') return rule();
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return rule();
  }
  return absl::OkStatus();
}

namespace {

// Whether `have` holds any of `want`.
bool AnyOf(const std::vector<std::string>& want, const std::vector<std::string>& have) {
  return std::any_of(want.begin(), want.end(), [&](const std::string& w) {
    return std::find(have.begin(), have.end(), w) != have.end();
  });
}

bool AnyColumnLinks(const std::vector<std::string>& terms, const std::vector<Field>& fields) {
  return std::any_of(fields.begin(), fields.end(), [&](const Field& f) {
    return AnyOf(terms, f.terms) || AnyColumnLinks(terms, f.fields);
  });
}

bool AnyColumnCovered(const Rule& rule, const std::vector<Field>& fields) {
  return std::any_of(fields.begin(), fields.end(), [&](const Field& f) {
    return CoversColumn(rule, f) || AnyColumnCovered(rule, f.fields);
  });
}

}  // namespace

absl::StatusOr<Rule> ParseRule(std::string_view name, const json& spec) {
  RETURN_IF_ERROR(ValidateRuleName("metadata.name", name));
  if (!spec.is_object()) return Bad("spec", "must be a mapping");
  static const std::set<std::string> kKnown = {"description", "covers",  "condition", "severity",
                                               "mode",        "message", "waivers"};
  for (const auto& [key, value] : spec.items()) {
    if (!kKnown.contains(key)) {
      return Bad(StrCat("spec.", key),
                 "is not a field of a GovernanceRule (description, covers, condition, "
                 "severity, mode, message, waivers)");
    }
  }
  Rule r;
  r.name = std::string(name);
  ASSIGN_OR_RETURN(r.description, TextAt(spec, "description", "spec.description", false));
  RETURN_IF_ERROR(ValidateText("spec.description", r.description));
  ASSIGN_OR_RETURN(r.covers, ParseCoverage(spec));
  ASSIGN_OR_RETURN(r.condition, TextAt(spec, "condition", "spec.condition", true));
  if (r.condition.size() > kMaxConditionBytes) {
    return Bad("spec.condition", StrCat("must be at most ", kMaxConditionBytes, " bytes"));
  }
  RETURN_IF_ERROR(ValidateText("spec.condition", r.condition));
  absl::StatusOr<policy::Expr> expr = policy::ParseExpression(r.condition);
  if (!expr.ok()) {
    return Bad("spec.condition",
               StrCat("is not a Cedar expression (", std::string(expr.status().message()), ")"));
  }
  auto compiled = std::make_shared<const policy::Expr>(*std::move(expr));
  r.compiled = compiled;
  CollectParts(*compiled, r.parts);
  r.reads_upstream = r.condition.find("upstream_layers") != std::string::npos;
  ASSIGN_OR_RETURN(std::string severity, TextAt(spec, "severity", "spec.severity", false));
  if (!severity.empty()) {
    std::optional<Severity> s = ParseSeverity(severity);
    if (!s) {
      return Bad("spec.severity",
                 StrCat("\"", severity, "\" is not a severity (low, medium, high, critical)"));
    }
    r.severity = *s;
  }
  ASSIGN_OR_RETURN(std::string mode, TextAt(spec, "mode", "spec.mode", false));
  if (!mode.empty()) {
    std::optional<Mode> m = ParseMode(mode);
    if (!m) {
      return Bad("spec.mode", StrCat("\"", mode, "\" is not a mode (advisory, warn, blocking)"));
    }
    r.mode = *m;
  }
  ASSIGN_OR_RETURN(r.message, TextAt(spec, "message", "spec.message", false));
  RETURN_IF_ERROR(ValidateText("spec.message", r.message, 1024));
  if (r.message.empty()) r.message = r.description.empty() ? r.condition : r.description;
  ASSIGN_OR_RETURN(r.waivers, ParseWaivers(spec, r.covers.kind));
  return r;
}

json RuleSpecToJson(const Rule& rule) {
  json spec = json::object();
  if (!rule.description.empty()) spec["description"] = rule.description;
  json covers = json::object();
  if (rule.covers.kind == CoveredKind::kColumn) covers["kind"] = "Column";
  if (rule.covers.kind == CoveredKind::kDataProduct) covers["kind"] = "DataProduct";
  if (rule.covers.kind == CoveredKind::kModelVersion) covers["kind"] = "ModelVersion";
  if (!rule.covers.domains.empty()) covers["domains"] = rule.covers.domains;
  if (!rule.covers.layers.empty()) covers["layers"] = rule.covers.layers;
  if (!rule.covers.tiers.empty()) covers["tiers"] = rule.covers.tiers;
  if (!rule.covers.classifications.empty()) {
    json list = json::array();
    for (Classification c : rule.covers.classifications) list.push_back(ClassificationName(c));
    covers["classifications"] = list;
  }
  if (!rule.covers.tags.empty()) covers["tags"] = rule.covers.tags;
  if (!rule.covers.terms.empty()) covers["terms"] = rule.covers.terms;
  if (!rule.covers.aliases.empty()) covers["aliases"] = rule.covers.aliases;
  if (!covers.empty()) spec["covers"] = covers;
  spec["condition"] = rule.condition;
  spec["severity"] = SeverityName(rule.severity);
  spec["mode"] = ModeName(rule.mode);
  spec["message"] = rule.message;
  if (!rule.waivers.empty()) {
    json list = json::array();
    for (const Waiver& w : rule.waivers) {
      const char* key = !w.model.empty() ? "model" : !w.product.empty() ? "product" : "dataset";
      list.push_back({{key, !w.model.empty()     ? w.model
                            : !w.product.empty() ? w.product
                                                 : w.dataset.ToString()},
                      {"until", w.until},
                      {"reason", w.reason}});
    }
    spec["waivers"] = list;
  }
  return spec;
}

bool Covers(const Rule& rule, const DatasetSpec& d) {
  const Coverage& c = rule.covers;
  if (!c.domains.empty() &&
      std::none_of(c.domains.begin(), c.domains.end(), [&](const std::string& domain) {
        return d.domain == domain ||
               (d.domain.size() > domain.size() && d.domain.starts_with(domain) &&
                d.domain[domain.size()] == '/');
      })) {
    return false;
  }
  if (!c.layers.empty() && std::find(c.layers.begin(), c.layers.end(), d.layer) == c.layers.end()) {
    return false;
  }
  if (!c.tiers.empty() && std::find(c.tiers.begin(), c.tiers.end(), d.tier) == c.tiers.end()) {
    return false;
  }
  if (c.kind == CoveredKind::kColumn) return AnyColumnCovered(rule, d.fields);
  if (c.kind != CoveredKind::kDataset) return false;
  if (!c.classifications.empty() && std::find(c.classifications.begin(), c.classifications.end(),
                                              d.classification) == c.classifications.end()) {
    return false;
  }
  if (!c.tags.empty() && !AnyOf(c.tags, d.tags)) return false;
  if (!c.terms.empty() && !AnyOf(c.terms, d.terms) && !AnyColumnLinks(c.terms, d.fields)) {
    return false;
  }
  return true;
}

bool CoversProduct(const Rule& rule, const DataProductSpec& p) {
  const Coverage& c = rule.covers;
  if (c.kind != CoveredKind::kDataProduct) return false;
  if (!c.domains.empty() &&
      std::none_of(c.domains.begin(), c.domains.end(),
                   [&](const std::string& domain) { return InDomain(p.domain, domain); })) {
    return false;
  }
  return c.tags.empty() || AnyOf(c.tags, p.tags);
}

bool CoversPromotion(const Rule& rule, const ModelSpec& model, std::string_view alias) {
  const Coverage& c = rule.covers;
  if (c.kind != CoveredKind::kModelVersion) return false;
  if (!c.domains.empty() &&
      std::none_of(c.domains.begin(), c.domains.end(),
                   [&](const std::string& domain) { return InDomain(model.domain, domain); })) {
    return false;
  }
  if (!c.aliases.empty() &&
      std::find(c.aliases.begin(), c.aliases.end(), alias) == c.aliases.end()) {
    return false;
  }
  return c.tags.empty() || AnyOf(c.tags, model.tags);
}

bool CoversColumn(const Rule& rule, const Field& f) {
  const Coverage& c = rule.covers;
  if (!c.classifications.empty() && std::find(c.classifications.begin(), c.classifications.end(),
                                              f.classification) == c.classifications.end()) {
    return false;
  }
  if (!c.tags.empty() && !AnyOf(c.tags, f.tags)) return false;
  return c.terms.empty() || AnyOf(c.terms, f.terms);
}

const Waiver* WaiverFor(const Rule& rule, const DatasetKey& key, int64_t now_ms) {
  for (const Waiver& w : rule.waivers) {
    if (w.product.empty() && w.model.empty() && w.dataset == key && now_ms < w.until_ms) {
      return &w;
    }
  }
  return nullptr;
}

const Waiver* ProductWaiverFor(const Rule& rule, std::string_view product, int64_t now_ms) {
  for (const Waiver& w : rule.waivers) {
    if (!w.product.empty() && w.product == product && now_ms < w.until_ms) return &w;
  }
  return nullptr;
}

const Waiver* ModelWaiverFor(const Rule& rule, std::string_view model, int64_t now_ms) {
  for (const Waiver& w : rule.waivers) {
    if (!w.model.empty() && w.model == model && now_ms < w.until_ms) return &w;
  }
  return nullptr;
}

Verdict Judge(const Rule& rule, const policy::EntityUid& subject,
              const policy::EntityView& entities, bool count_parts, const policy::Value* context) {
  policy::Request request{.principal = {"Catalog", "catalog"},
                          .action = {"Action", "governance:judge"},
                          .resource = subject};
  if (context != nullptr) request.context = *context;
  Verdict v;
  std::string error;
  std::optional<bool> whole = Holds(*rule.compiled, request, entities, &error);
  if (whole && *whole) return v;
  v.holds = false;
  if (!whole) v.error = error;
  if (!count_parts) return v;
  for (const policy::Expr* part : rule.parts) {
    std::string ignored;
    std::optional<bool> ok = Holds(*part, request, entities, &ignored);
    if (!ok || !*ok) ++v.failing_parts;
  }
  return v;
}

}  // namespace catalog::governance

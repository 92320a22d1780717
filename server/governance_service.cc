#include "server/governance_service.h"

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "lib/catalog/data_product.h"
#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "proto/convert.h"
#include "proto/rule_convert.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"
#include "server/governance/report.h"
#include "server/products/product_cache.h"
#include "server/products/product_view.h"
#include "server/quality_service.h"

namespace catalog::server {
namespace {

void ToProto(const store::LayerSettings& in, v1::Layers* out) {
  for (const std::string& l : in.layers) out->add_layers(l);
  out->set_revision(in.revision);
  out->set_updated_at(in.updated_at);
  out->set_updated_by(in.updated_by);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void BreakToProto(const DatasetKey& key, const governance::Break& b, v1::RuleBreak* out) {
  *out = RuleBreakToProto(*b.rule, b.verdict, b.waiver, key);
}

// A report's break: a dataset's, or a data product's.
void ItemToProto(const governance::RuleSummary::Item& item, v1::RuleBreak* out) {
  BreakToProto(item.dataset, item.found, out);
  if (item.product.empty()) return;
  out->clear_dataset();
  out->set_product(item.product);
}

// A stored version in the API's shape: its spec parsed (a deletion has
// none).
absl::StatusOr<v1::GovernanceRule> StoredToProto(const store::StoredRule& s) {
  v1::GovernanceRule out;
  if (!s.spec.empty()) {
    nlohmann::json spec = nlohmann::json::parse(s.spec, nullptr, false);
    absl::StatusOr<governance::Rule> rule = governance::ParseRule(s.name, spec);
    if (!rule.ok()) {
      return absl::DataLossError(StrCat("governance rule ", s.name, " version ", s.version,
                                        ": stored spec does not parse (",
                                        std::string(rule.status().message()), ")"));
    }
    out = RuleToProto(*rule);
  } else {
    out.set_deleted(true);
  }
  out.set_name(s.name);
  out.set_version(s.version);
  out.set_created_at(s.created_at);
  out.set_created_by(s.created_by);
  return out;
}

// Judges every dataset `caller` may read (of `domain` and beneath, when
// given) against `rules`.
absl::StatusOr<governance::Report> Judged(store::Store& store,
                                          const authz::Authorizer& authorizer,
                                          const lineage::LineageGraph* graph,
                                          const std::string& caller, const std::string& domain,
                                          const authz::Snapshot& snapshot,
                                          const std::vector<governance::Rule>& rules,
                                          const products::ProductCatalog* catalog = nullptr) {
  governance::ReportBuilder::ProductsOf products_of;
  if (catalog != nullptr) {
    products_of = [catalog](const DatasetKey& k) {
      std::vector<std::string> ids;
      for (const products::ProductCatalog::Entry* e : catalog->Publishers(k)) {
        ids.push_back(e->product.id);
      }
      return ids;
    };
  }
  governance::ReportBuilder builder(rules, NowMs(), std::move(products_of));
  const bool reads_all = AllowedOnEverything(authorizer, caller, "catalog:read");
  store::PageRequest page{.page_size = 1000};
  while (true) {
    ASSIGN_OR_RETURN(store::Page<Dataset> datasets, store.ListDatasets(domain, page));
    for (const Dataset& d : datasets.items) {
      // A dataset the caller may not read is neither listed nor counted.
      if (!reads_all && !Permits(authorizer, caller, "catalog:read", authz::DatasetUid(d.key))) {
        continue;
      }
      builder.Add(d, governance::FactsFor(rules, graph, snapshot.entities(), d),
                  snapshot.entities());
    }
    if (datasets.next_page_token.empty()) break;
    page.page_token = datasets.next_page_token;
  }
  // Data products, for the rules that cover them: those the caller may read.
  if (catalog != nullptr) {
    for (const products::ProductCatalog::Entry& e : catalog->entries()) {
      if (!InDomain(e.product.spec.domain, domain)) continue;
      if (!reads_all &&
          !Permits(authorizer, caller, "catalog:read", authz::ProductUid(e.product.id))) {
        continue;
      }
      builder.AddProduct(e.product, snapshot.entities());
    }
  }
  return std::move(builder).Finish();
}

// Leaves out the waivers naming datasets `caller` may not read (a waiver
// tells a dataset's key): the architects who write rules see them all.
void RedactWaivers(const authz::Authorizer& authorizer, const std::string& caller,
                   v1::GovernanceRule& rule) {
  if (rule.waivers_size() == 0 || Permits(authorizer, caller, "governance:write", CatalogRoot()) ||
      AllowedOnEverything(authorizer, caller, "catalog:read")) {
    return;
  }
  auto* waivers = rule.mutable_waivers();
  for (int i = waivers->size() - 1; i >= 0; --i) {
    const v1::RuleWaiver& w = waivers->Get(i);
    if (!w.product().empty()) {
      if (!Permits(authorizer, caller, "catalog:read", authz::ProductUid(w.product()))) {
        waivers->DeleteSubrange(i, 1);
      }
      continue;
    }
    absl::StatusOr<DatasetKey> key = ParseDatasetKey(w.dataset());
    if (!key.ok() || !Permits(authorizer, caller, "catalog:read", authz::DatasetUid(*key))) {
      waivers->DeleteSubrange(i, 1);
    }
  }
}

absl::Status ValidExpected(int64_t expected, bool may_be_absent) {
  if (expected < (may_be_absent ? -1 : 0)) {
    return absl::InvalidArgumentError(StrCat("expected_version: must be ",
                                             may_be_absent ? "-1 or more" : "0 or more"));
  }
  return absl::OkStatus();
}

}  // namespace

grpc::Status GovernanceServiceImpl::GetLayers(grpc::ServerContext* context,
                                              const v1::GetLayersRequest*,
                                              v1::Layers* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    // The list names no object: whoever may read the catalog reads it.
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    ASSIGN_OR_RETURN(store::LayerSettings layers, store_->GetLayers());
    ToProto(layers, response);
    return absl::OkStatus();
  });
}

grpc::Status GovernanceServiceImpl::SetLayers(grpc::ServerContext* context,
                                              const v1::SetLayersRequest* request,
                                              v1::Layers* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "governance:write", CatalogRoot()));
    if (request->expected_revision() < 0) {
      return absl::InvalidArgumentError("expected_revision: must not be negative");
    }
    ASSIGN_OR_RETURN(store::LayerSettings layers,
                     store_->SetLayers({request->layers().begin(), request->layers().end()},
                                       caller, request->expected_revision()));
    ToProto(layers, response);
    return absl::OkStatus();
  });
}

grpc::Status GovernanceServiceImpl::PutRule(grpc::ServerContext* context,
                                            const v1::PutRuleRequest* request,
                                            v1::PutRuleResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    // Writing the organisation's standards, or trying one out over the
    // whole catalog, is the architects'.
    RETURN_IF_ERROR(Require(*authorizer_, caller, "governance:write", CatalogRoot()));
    RETURN_IF_ERROR(ValidExpected(request->expected_version(), true));
    const nlohmann::json spec = RuleSpecOf(request->rule());
    ASSIGN_OR_RETURN(governance::Rule rule, governance::ParseRule(request->rule().name(), spec));
    // Stored as it reads back: defaults filled in, lists without repeats.
    const std::string text = governance::RuleSpecToJson(rule).dump();
    if (request->dry_run()) {
      RETURN_IF_ERROR(DecisionsReady(*authorizer_));
      std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
      const std::vector<governance::Rule> one = {rule};
      ASSIGN_OR_RETURN(std::shared_ptr<const products::ProductCatalog> catalog, products_->Get());
      ASSIGN_OR_RETURN(governance::Report report, Judged(*store_, *authorizer_, graph_, caller,
                                                         "", *snapshot, one, catalog.get()));
      for (const auto& item : report.rules[0].breaks) ItemToProto(item, response->add_breaks());
      response->set_covered(report.rules[0].covered);
      *response->mutable_rule() = RuleToProto(rule);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::vector<store::StoredRule> before,
                     store_->ListGovernanceRules());
    int64_t previous = 0;
    for (const store::StoredRule& s : before) {
      if (s.name == rule.name) previous = s.version;
    }
    ASSIGN_OR_RETURN(int64_t version, store_->PutGovernanceRule(rule.name, text,
                                                                request->expected_version(),
                                                                caller));
    response->set_changed(version != previous);
    rule.version = version;
    *response->mutable_rule() = RuleToProto(rule);
    return absl::OkStatus();
  });
}

grpc::Status GovernanceServiceImpl::DeleteRule(grpc::ServerContext* context,
                                               const v1::DeleteRuleRequest* request,
                                               v1::DeleteRuleResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "governance:write", CatalogRoot()));
    RETURN_IF_ERROR(governance::ValidateRuleName("name", request->name()));
    RETURN_IF_ERROR(ValidExpected(request->expected_version(), false));
    ASSIGN_OR_RETURN(int64_t version, store_->DeleteGovernanceRule(
                                          request->name(), request->expected_version(), caller));
    response->set_version(version);
    return absl::OkStatus();
  });
}

grpc::Status GovernanceServiceImpl::ListRules(grpc::ServerContext* context,
                                              const v1::ListRulesRequest*,
                                              v1::ListRulesResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    // Rules name the organisation's standards, not its objects (a waiver
    // names a dataset: see GetRule).
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    ASSIGN_OR_RETURN(std::vector<store::StoredRule> rules, store_->ListGovernanceRules());
    for (const store::StoredRule& s : rules) {
      v1::GovernanceRule* out = response->add_rules();
      ASSIGN_OR_RETURN(*out, StoredToProto(s));
      RedactWaivers(*authorizer_, caller, *out);
    }
    return absl::OkStatus();
  });
}

grpc::Status GovernanceServiceImpl::GetRule(grpc::ServerContext* context,
                                            const v1::GetRuleRequest* request,
                                            v1::GetRuleResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    RETURN_IF_ERROR(governance::ValidateRuleName("name", request->name()));
    ASSIGN_OR_RETURN(std::vector<store::StoredRule> versions,
                     store_->GovernanceRuleHistory(request->name()));
    for (const store::StoredRule& s : versions) {
      v1::GovernanceRule* out = response->add_versions();
      ASSIGN_OR_RETURN(*out, StoredToProto(s));
      RedactWaivers(*authorizer_, caller, *out);
    }
    return absl::OkStatus();
  });
}

grpc::Status GovernanceServiceImpl::Report(grpc::ServerContext* context,
                                           const v1::ReportRequest* request,
                                           v1::ComplianceReport* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    // The rules it lists are read as ListRules reads them.
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    if (!request->domain().empty()) {
      RETURN_IF_ERROR(ValidateDomainPath("domain", request->domain()));
    }
    if (!request->rule().empty()) {
      if (request->since().empty()) {
        return absl::InvalidArgumentError("rule: narrows the trend; give since too");
      }
      RETURN_IF_ERROR(ValidateName("rule", request->rule(), kMaxShortNameBytes));
    }
    if (request->max_breaks() < 0 ||
        request->max_breaks() > static_cast<int>(governance::kMaxReportedBreaks)) {
      return absl::InvalidArgumentError(
          StrCat("max_breaks: must be 0 (100) to ", governance::kMaxReportedBreaks));
    }
    const size_t max_breaks = request->max_breaks() == 0 ? 100 : request->max_breaks();
    std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
    ASSIGN_OR_RETURN(std::shared_ptr<const products::ProductCatalog> catalog, products_->Get());
    ASSIGN_OR_RETURN(governance::Report report,
                     Judged(*store_, *authorizer_, graph_, caller, request->domain(), *snapshot,
                            snapshot->rules(), catalog.get()));
    for (const governance::RuleSummary& s : report.rules) {
      v1::RuleReport* out = response->add_rules();
      *out->mutable_rule() = RuleToProto(*s.rule);
      RedactWaivers(*authorizer_, caller, *out->mutable_rule());
      out->set_covered(s.covered);
      out->set_breaking(s.breaking);
      out->set_waived(s.waived);
      for (size_t i = 0; i < s.breaks.size() && i < max_breaks; ++i) {
        ItemToProto(s.breaks[i], out->add_breaks());
      }
    }
    for (const governance::DomainScore& d : report.domains) {
      v1::DomainScore* out = response->add_domains();
      out->set_domain(d.domain);
      out->set_checks(d.checks);
      out->set_passed(d.passed);
      out->set_score(d.Score());
    }
    for (const governance::ProductScore& p : report.products) {
      if (!Permits(*authorizer_, caller, "catalog:read", authz::ProductUid(p.product))) continue;
      v1::ProductScore* out = response->add_products();
      out->set_product(p.product);
      if (const products::ProductCatalog::Entry* e = catalog->Find(p.product)) {
        out->set_name(e->product.spec.name);
      }
      out->set_checks(p.checks);
      out->set_passed(p.passed);
      out->set_score(p.Score());
    }
    if (!request->since().empty()) {
      ASSIGN_OR_RETURN(int64_t since_ms,
                       SinceMs("since", request->since(), std::chrono::system_clock::now()));
      RETURN_IF_ERROR(Trend(since_ms, request->domain(), request->rule(), caller, response));
    }
    response->set_datasets(report.datasets);
    response->set_catalog_revision(snapshot->revision());
    response->set_generated_at(FormatRfc3339(std::chrono::system_clock::now()));
    return absl::OkStatus();
  });
}

absl::Status GovernanceServiceImpl::Trend(int64_t since_ms, const std::string& domain,
                                          const std::string& rule, const std::string& caller,
                                          v1::ComplianceReport* response) {
  ASSIGN_OR_RETURN(std::vector<store::GovernanceEvaluation> rows,
                   store_->ListGovernanceEvaluations(FormatMs(since_ms).substr(0, 10)));
  const bool reads_all = AllowedOnEverything(*authorizer_, caller, "catalog:read");
  std::map<std::string, bool> readable;  // by domain
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> points;
  for (const store::GovernanceEvaluation& r : rows) {
    if (!InDomain(r.domain, domain)) continue;
    if (!rule.empty() && r.rule != rule) continue;
    auto known = readable.find(r.domain);
    if (known == readable.end()) {
      const bool may = reads_all || (!r.domain.empty() &&
                                     Permits(*authorizer_, caller, "catalog:read",
                                             authz::DomainUid(r.domain)));
      known = readable.emplace(r.domain, may).first;
    }
    if (!known->second) continue;
    auto& [checks, passed] = points[{r.day, r.domain}];
    checks += r.checks;
    passed += r.passed;
  }
  for (const auto& [at, counts] : points) {
    v1::TrendPoint* p = response->add_trend();
    p->set_day(at.first);
    p->set_domain(at.second);
    p->set_checks(counts.first);
    p->set_passed(counts.second);
    p->set_score(counts.first == 0 ? 100.0 : 100.0 * counts.second / counts.first);
  }
  return absl::OkStatus();
}

grpc::Status GovernanceServiceImpl::DatasetRules(grpc::ServerContext* context,
                                                 const v1::DatasetRulesRequest* request,
                                                 v1::DatasetRulesResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    DatasetKey key = FromProto(request->dataset());
    if (absl::Status valid = ValidateDatasetKey(key); !valid.ok()) {
      return absl::InvalidArgumentError(StrCat("dataset: ", MessageOf(valid)));
    }
    absl::StatusOr<Dataset> d = store_->GetDataset(key);
    RETURN_IF_ERROR(HiddenAsNotFound(
        Require(*authorizer_, caller, "catalog:read", authz::DatasetUid(d.ok() ? d->key : key)),
        key));
    if (!d.ok() && d.status().code() != absl::StatusCode::kNotFound) return d.status();
    if (!d.ok()) return DatasetNotFound(key);
    std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
    for (const governance::Break& b :
         governance::Breaks(snapshot->rules(), *d,
                            governance::FactsFor(snapshot->rules(), graph_,
                                                 snapshot->entities(), *d),
                            snapshot->entities(), NowMs())) {
      BreakToProto(d->key, b, response->add_breaks());
    }
    return absl::OkStatus();
  });
}

grpc::Status GovernanceServiceImpl::ProductRules(grpc::ServerContext* context,
                                                 const v1::ProductRulesRequest* request,
                                                 v1::ProductRulesResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ValidateProductId("product", request->product()));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    // A product the caller may not read is not there, as GetDataProduct.
    const absl::Status not_found =
        absl::NotFoundError(StrCat("data product \"", request->product(), "\" not found"));
    if (!Permits(*authorizer_, caller, "catalog:read", authz::ProductUid(request->product()))) {
      return not_found;
    }
    ASSIGN_OR_RETURN(std::shared_ptr<const products::ProductCatalog> catalog, products_->Get());
    const products::ProductCatalog::Entry* entry = catalog->Find(request->product());
    if (entry == nullptr) return not_found;
    std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
    for (const governance::Break& b : governance::ProductBreaks(
             snapshot->rules(), entry->product, snapshot->entities(), NowMs())) {
      v1::RuleBreak* out = response->add_breaks();
      BreakToProto(DatasetKey{}, b, out);
      out->clear_dataset();
      out->set_product(entry->product.id);
    }
    return absl::OkStatus();
  });
}

}  // namespace catalog::server

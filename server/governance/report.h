// The compliance report (docs/governance.md#report): for each rule in
// force, the datasets (or data products) it covers and those that break
// it; for each domain and each data product (over the datasets its output
// ports publish, and itself), a score (the share of covered rule-object
// pairs that hold).
//
//   ReportBuilder b(snapshot->rules(), now_ms);
//   for (each dataset the caller may read) b.Add(d, FactsOf(...), view);
//   Report r = std::move(b).Finish();
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "server/governance/judge.h"

namespace catalog::governance {

struct RuleSummary {
  const Rule* rule = nullptr;
  int64_t covered = 0;
  int64_t breaking = 0;  // unwaived breaks
  int64_t waived = 0;
  struct Item {
    DatasetKey dataset;   // a dataset's break
    std::string product;  // or a data product's (a DataProduct rule)
    Break found;
  };
  std::vector<Item> breaks;  // the first kMaxReportedBreaks, waived ones included
};

struct DomainScore {
  std::string domain;  // "" for datasets of no domain
  int64_t checks = 0;  // covered (rule, dataset) pairs
  int64_t passed = 0;  // of them, holding or waived
  double Score() const { return checks == 0 ? 100.0 : 100.0 * passed / checks; }
};

struct ProductScore {
  std::string product;  // its id
  int64_t checks = 0;
  int64_t passed = 0;
  double Score() const { return checks == 0 ? 100.0 : 100.0 * passed / checks; }
};

struct Report {
  std::vector<RuleSummary> rules;   // in the order of the rules
  std::vector<DomainScore> domains;  // by domain
  std::vector<ProductScore> products;  // by id; those publishing a judged dataset
  int64_t datasets = 0;             // judged
  int64_t products_judged = 0;      // data products judged (AddProduct)
  // Each rule's checks and passes per domain (the trend's rows), by rule
  // index and domain.
  std::map<std::pair<size_t, std::string>, DomainScore> by_rule_domain;
};

inline constexpr size_t kMaxReportedBreaks = 1000;

class ReportBuilder {
 public:
  // The data products that publish a dataset (ids).
  using ProductsOf = std::function<std::vector<std::string>(const DatasetKey&)>;
  // `rules` must outlive the builder and its report. Without `products_of`
  // no product is scored.
  ReportBuilder(const std::vector<Rule>& rules, int64_t now_ms, ProductsOf products_of = nullptr);
  // Judges `d` against every rule (its entity and facts as in Breaks).
  // Returns the first blocking rule it breaks unwaived, or nullptr.
  const Rule* Add(const Dataset& d, const Facts& facts, const policy::EntityView& entities);
  // Judges data product `p` against the rules covering products: counted
  // in its domain's score and its own.
  void AddProduct(const DataProduct& p, const policy::EntityView& entities);
  Report Finish() &&;

 private:
  const std::vector<Rule>& rules_;
  int64_t now_ms_;
  ProductsOf products_of_;
  Report report_;
  std::map<std::string, DomainScore> domains_;
  std::map<std::string, ProductScore> products_;
};

}  // namespace catalog::governance

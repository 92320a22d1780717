#include "server/governance/report.h"

#include "server/authz/catalog_entities.h"

namespace catalog::governance {

ReportBuilder::ReportBuilder(const std::vector<Rule>& rules, int64_t now_ms,
                             ProductsOf products_of)
    : rules_(rules), now_ms_(now_ms), products_of_(std::move(products_of)) {
  for (const Rule& r : rules_) report_.rules.push_back({.rule = &r});
}

const Rule* ReportBuilder::Add(const Dataset& d, const Facts& facts,
                               const policy::EntityView& entities) {
  const Rule* blocked = nullptr;
  ++report_.datasets;
  std::vector<Break> breaks = Breaks(rules_, d, facts, entities, now_ms_);
  size_t next = 0;  // breaks come in the order of the rules
  DomainScore* score = nullptr;
  std::vector<ProductScore*> products;  // publishing d; found at its first covering rule
  bool products_found = false;
  auto count = [&](bool passed) {
    for (ProductScore* p : products) {
      ++p->checks;
      if (passed) ++p->passed;
    }
  };
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = rules_[i];
    if (!Covers(rule, d.spec)) continue;
    if (score == nullptr) {
      score = &domains_[d.spec.domain];
      score->domain = d.spec.domain;
    }
    if (!products_found && products_of_) {
      products_found = true;
      for (std::string& id : products_of_(d.key)) {
        ProductScore& p = products_[id];
        p.product = std::move(id);
        products.push_back(&p);
      }
    }
    RuleSummary& summary = report_.rules[i];
    DomainScore& pair = report_.by_rule_domain[{i, d.spec.domain}];
    pair.domain = d.spec.domain;
    ++summary.covered;
    ++score->checks;
    ++pair.checks;
    if (next < breaks.size() && breaks[next].rule == &rule) {
      Break& b = breaks[next++];
      count(b.waiver != nullptr);
      if (b.waiver != nullptr) {
        ++summary.waived;
        ++score->passed;
        ++pair.passed;
      } else {
        ++summary.breaking;
        if (blocked == nullptr && rule.mode == Mode::kBlocking) blocked = &rule;
      }
      if (summary.breaks.size() < kMaxReportedBreaks) {
        summary.breaks.push_back({.dataset = d.key, .found = std::move(b)});
      }
    } else {
      count(true);
      ++score->passed;
      ++pair.passed;
    }
  }
  return blocked;
}

void ReportBuilder::AddProduct(const DataProduct& p, const policy::EntityView& entities) {
  ++report_.products_judged;
  std::vector<Break> breaks = ProductBreaks(rules_, p, entities, now_ms_);
  size_t next = 0;  // in the order of the rules
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = rules_[i];
    if (!CoversProduct(rule, p.spec)) continue;
    DomainScore& score = domains_[p.spec.domain];
    score.domain = p.spec.domain;
    ProductScore& own = products_[p.id];
    own.product = p.id;
    RuleSummary& summary = report_.rules[i];
    DomainScore& pair = report_.by_rule_domain[{i, p.spec.domain}];
    pair.domain = p.spec.domain;
    ++summary.covered;
    ++score.checks;
    ++pair.checks;
    ++own.checks;
    bool passed = true;
    if (next < breaks.size() && breaks[next].rule == &rule) {
      Break& b = breaks[next++];
      passed = b.waiver != nullptr;
      ++(passed ? summary.waived : summary.breaking);
      if (summary.breaks.size() < kMaxReportedBreaks) {
        summary.breaks.push_back({.product = p.id, .found = std::move(b)});
      }
    }
    if (passed) {
      ++score.passed;
      ++pair.passed;
      ++own.passed;
    }
  }
}

Report ReportBuilder::Finish() && {
  for (auto& [name, score] : domains_) report_.domains.push_back(std::move(score));
  for (auto& [id, score] : products_) report_.products.push_back(std::move(score));
  return std::move(report_);
}

}  // namespace catalog::governance

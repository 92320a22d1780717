#include "server/governance/sweep.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "server/governance/report.h"

namespace catalog::governance {
namespace {

std::string Signature(const std::vector<Rule>& rules) {
  std::string out;
  for (const Rule& r : rules) out += StrCat(r.name, "@", r.version, ";");
  return out;
}

}  // namespace

Sweep::Sweep(store::Store* store, const authz::Authorizer* authorizer,
             const lineage::LineageGraph* graph, Options options)
    : store_(store), authorizer_(authorizer), graph_(graph), options_(std::move(options)) {}

int64_t Sweep::NowMs() const {
  if (options_.clock_ms) return options_.clock_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Sweep::MaybeRun() {
  if (!authorizer_->ready()) return;
  {
    std::lock_guard lock(mu_);
    const bool changed = Signature(authorizer_->current()->rules()) != last_rules_;
    if (!changed && NowMs() - last_ms_ < options_.every.count()) return;
  }
  if (absl::Status done = Run(); !done.ok()) {
    spdlog::warn("the governance sweep failed: {}", std::string(done.message()));
  }
}

absl::Status Sweep::Run() {
  std::lock_guard lock(mu_);
  std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
  const int64_t now_ms = NowMs();
  last_rules_ = Signature(snapshot->rules());
  last_ms_ = now_ms;
  if (snapshot->rules().empty()) return absl::OkStatus();
  ReportBuilder builder(snapshot->rules(), now_ms);
  std::vector<std::pair<DatasetKey, std::string>> broken_verified;
  store::PageRequest page{.page_size = 1000};
  while (true) {
    ASSIGN_OR_RETURN(store::Page<Dataset> datasets, store_->ListDatasets("", page));
    for (const Dataset& d : datasets.items) {
      const Rule* blocked = builder.Add(
          d, FactsFor(snapshot->rules(), graph_, snapshot->entities(), d), snapshot->entities());
      if (blocked != nullptr && d.spec.certification.state == "verified") {
        broken_verified.emplace_back(d.key, blocked->name);
      }
    }
    if (datasets.next_page_token.empty()) break;
    page.page_token = datasets.next_page_token;
  }
  // Data products, for the rules that cover them (a catalog holds them by
  // the hundred: read whole).
  const bool covers_products =
      std::any_of(snapshot->rules().begin(), snapshot->rules().end(),
                  [](const Rule& r) { return r.covers.kind == CoveredKind::kDataProduct; });
  if (covers_products) {
    ASSIGN_OR_RETURN(std::vector<DataProduct> products, store_->ListDataProducts());
    for (const DataProduct& p : products) builder.AddProduct(p, snapshot->entities());
  }
  Report report = std::move(builder).Finish();
  const std::string day = FormatMs(now_ms).substr(0, 10);
  std::vector<store::GovernanceEvaluation> rows;
  for (const auto& [at, score] : report.by_rule_domain) {
    rows.push_back({.day = day,
                    .rule = snapshot->rules()[at.first].name,
                    .domain = at.second,
                    .checks = score.checks,
                    .passed = score.passed});
  }
  RETURN_IF_ERROR(store_->RecordGovernanceEvaluations(rows));
  ASSIGN_OR_RETURN(int lapsed, store_->LapseBrokenCertifications(broken_verified));
  if (lapsed > 0) {
    spdlog::info("{} verified certifications lapsed: their datasets break blocking rules", lapsed);
  }
  return absl::OkStatus();
}

}  // namespace catalog::governance

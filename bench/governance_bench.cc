// governance_bench: what governance rules cost (docs/PERFORMANCE.md).
//
//   build/bench/governance_bench [--datasets 100000] [--rules 50] [--applies 300]
//
// A SQLite catalog of --datasets datasets in 20 domains (layers bronze,
// silver, gold in turn, tiers 1-5, half described, a third owned), a
// lineage graph in which each gold dataset is written by a job reading a
// silver one and every tenth also a bronze one, and --rules rules (six
// kinds of condition, covering by layer, tier or domain, a third
// blocking), in the authorization snapshot as catalogd holds them.
// 1. The compliance report as GovernanceService.Report makes it (every
//    dataset read from the store a page at a time, its lineage facts
//    from the graph, judged against every rule): wall time, the heap it
//    holds, 3 rounds.
// 2. An apply of one gold dataset (its description changed back and
//    forth), with the rules judged in its transaction (governance::RuleGate) and
//    without, alternating: medians and their ratio.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "lib/util/strings.h"
#include "server/authz/snapshot.h"
#include "server/governance/apply_gate.h"
#include "server/governance/report.h"
#include "server/lineage/graph.h"
#include "tests/test_env.h"

namespace {

using namespace catalog;
using bench::Clock;
using bench::Millis;
using bench::Micros;
using bench::Percentile;

const char* kLayers[] = {"bronze", "silver", "gold"};

std::string Name(int i) { return StrCat("db.table_", i); }

Resource DatasetAt(int i, const std::string& description) {
  Resource r{.kind = Resource::Kind::kDataset};
  r.dataset.key = {"warehouse", Name(i)};
  r.dataset.spec.domain = StrCat("domain", i % 20);
  r.dataset.spec.layer = kLayers[i % 3];
  r.dataset.spec.tier = 1 + i % 5;
  r.dataset.spec.description = description;
  if (i % 3 == 0) r.dataset.spec.owners = {{.principal = "user:alice"}};
  r.dataset.spec.tags = {StrCat("tag", i % 7)};
  return r;
}

std::string RuleSpec(int k) {
  static const char* kConditions[] = {
      R"(resource.owners != [])",
      R"(resource.description != "")",
      R"(resource has contract && resource.contract.status == "active")",
      R"(!resource.upstream_layers.contains("bronze"))",
      R"(resource has classification || resource.tags.contains("tag3"))",
      R"(resource.certification == "verified" || resource.tier > 2)"};
  nlohmann::json spec = {{"condition", kConditions[k % 6]},
                         {"mode", k % 3 == 0 ? "blocking" : (k % 3 == 1 ? "warn" : "advisory")}};
  switch (k % 4) {
    case 0: spec["covers"] = {{"layers", {kLayers[k % 3]}}}; break;
    case 1: spec["covers"] = {{"tiers", {1 + k % 5}}}; break;
    case 2: spec["covers"] = {{"domains", {StrCat("domain", k % 20)}}}; break;
    default: break;  // every dataset
  }
  return spec.dump();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("governance_bench");
  int datasets = 100000, rules = 50, applies = 300;
  app.add_option("--datasets", datasets);
  app.add_option("--rules", rules);
  app.add_option("--applies", applies);
  CLI11_PARSE(app, argc, argv);

  testing::TempDir dir;
  auto opened = store::Store::Open({.path = (dir.path() / "c.db").string()});
  if (!opened.ok()) {
    std::cerr << opened.status() << "\n";
    return 1;
  }
  store::Store& store = **opened;
  auto started = Clock::now();
  std::vector<Resource> domains;
  for (int d = 0; d < 20; ++d) {
    domains.push_back({.kind = Resource::Kind::kDomain, .domain = {.path = StrCat("domain", d)}});
  }
  if (auto r = store.Apply(domains, "user:admin", false); !r.ok()) {
    std::cerr << r.status() << "\n";
    return 1;
  }
  for (int from = 0; from < datasets; from += 1000) {
    std::vector<Resource> batch;
    for (int i = from; i < std::min(datasets, from + 1000); ++i) {
      batch.push_back(DatasetAt(i, i % 2 == 0 ? "described" : ""));
    }
    if (auto r = store.Apply(batch, "user:admin", false); !r.ok()) {
      std::cerr << r.status() << "\n";
      return 1;
    }
  }
  std::cout << datasets << " datasets stored in " << Millis(Clock::now() - started) << " ms\n";
  for (int k = 0; k < rules; ++k) {
    if (auto r = store.PutGovernanceRule(StrCat("rule-", k), RuleSpec(k), 0, "user:admin");
        !r.ok()) {
      std::cerr << r.status() << "\n";
      return 1;
    }
  }
  // Gold i is written by a job reading silver i-1, and every tenth also
  // bronze i-2.
  lineage::LineageGraph graph;
  if (!graph.Load(store).ok()) return 1;
  std::vector<store::LineageEdge> edges;
  for (int i = 2; i < datasets; i += 3) {
    const JobKey job{"dbt", StrCat("build_", i)};
    edges.push_back({.job = job, .dataset = {"warehouse", Name(i)}, .output = true, .active = true});
    edges.push_back({.job = job, .dataset = {"warehouse", Name(i - 1)}, .active = true});
    if (i % 10 == 2) {
      edges.push_back({.job = job, .dataset = {"warehouse", Name(i - 2)}, .active = true});
    }
  }
  graph.OnCommit({.catalog_revision = 1, .lineage_edges = edges});
  auto policies = store.GetPolicyVersion(0);
  store::PolicyVersion none;
  auto snapshot = authz::Snapshot::Load(store, policies.ok() ? *policies : none);
  if (!snapshot.ok()) {
    std::cerr << snapshot.status() << "\n";
    return 1;
  }
  const authz::Snapshot& s = **snapshot;
  std::cout << s.rules().size() << " rules, " << graph.edge_count() << " lineage edges\n";

  // 1. The report.
  std::vector<double> report_ms;
  for (int round = 0; round < 3; ++round) {
    const size_t heap_before = bench::HeapInUse();
    auto t0 = Clock::now();
    governance::ReportBuilder builder(s.rules(), 1'800'000'000'000);
    store::PageRequest page{.page_size = 1000};
    while (true) {
      auto listed = store.ListDatasets("", page);
      if (!listed.ok()) return 1;
      for (const Dataset& d : listed->items) {
        builder.Add(d, governance::FactsFor(s.rules(), &graph, s.entities(), d), s.entities());
      }
      if (listed->next_page_token.empty()) break;
      page.page_token = listed->next_page_token;
    }
    governance::Report report = std::move(builder).Finish();
    report_ms.push_back(Millis(Clock::now() - t0));
    int64_t breaking = 0, covered = 0;
    for (const auto& r : report.rules) {
      breaking += r.breaking;
      covered += r.covered;
    }
    std::cout << "report round " << round + 1 << ": " << report.datasets << " datasets, "
              << covered << " covered pairs, " << breaking << " breaking, " << report_ms.back()
              << " ms, report heap " << (bench::HeapInUse() - heap_before) / 1024 << " KiB\n";
  }
  std::cout << "report median " << Percentile(report_ms, 0.5) << " ms\n";

  // 2. An apply with and without the rules judged first.
  std::vector<double> plain, judged;
  const int gold = 2;  // owned? no (2 % 3 != 0): it breaks the owner rules
  for (int i = 0; i < applies; ++i) {
    for (bool with_rules : {false, true}) {
      std::vector<Resource> one = {DatasetAt(gold, StrCat("round ", i, with_rules))};
      one[0].merge = true;
      one[0].fields = {"description"};
      auto t0 = Clock::now();
      auto applied = store.Apply(
          one, "user:admin", false, nullptr,
          with_rules ? governance::RuleGate(*snapshot, &graph, 1'800'000'000'000) : nullptr);
      (with_rules ? judged : plain).push_back(Micros(Clock::now() - t0));
      if (!applied.ok()) {
        std::cerr << applied.status() << "\n";
        return 1;
      }
    }
  }
  // The judgement alone (as the store calls it, the dataset as stored).
  auto stored = store.GetDataset({"warehouse", Name(gold)});
  if (!stored.ok()) return 1;
  store::Store::RuleCheck gate = governance::RuleGate(*snapshot, &graph, 1'800'000'000'000);
  std::vector<double> alone;
  for (int i = 0; i < applies; ++i) {
    Dataset after = *stored;
    after.spec.description = StrCat("judged ", i);
    std::vector<std::string> warnings;
    auto t0 = Clock::now();
    absl::Status judged_status = gate(&*stored, after, warnings);
    alone.push_back(Micros(Clock::now() - t0));
  }
  std::cout << "the rules' judgement alone, median: " << Percentile(alone, 0.5) << " us\n";
  const double p = Percentile(plain, 0.5), j = Percentile(judged, 0.5);
  std::cout << "apply of one dataset, median of " << applies << ": " << p << " us plain, " << j
            << " us with " << s.rules().size() << " rules judged (+" << 100.0 * (j - p) / p
            << "%)\n";
  return 0;
}

// Lint and diff of data contracts, on the largest official ODCS example
// (postgresql-adventureworks, ~5,300 lines) and on our quickstart contract.
// Baseline in the same run: yaml-cpp loading the same text and nothing
// more, so the figures say what our tree, lint and diff add.
//   build/bench/contract_bench [runs]
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>

#include "bench/bench_util.h"
#include "lib/contract/diff.h"
#include "lib/contract/lint.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

namespace fs = std::filesystem;
using bench::Clock;

// The median and p90 of `runs` timings of `fn`, in ms.
std::pair<double, double> Time(int runs, const std::function<void()>& fn) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    Clock::time_point start = Clock::now();
    fn();
    ms.push_back(bench::Millis(Clock::now() - start));
  }
  return {bench::Percentile(ms, 0.5), bench::Percentile(ms, 0.9)};
}

void Report(const char* what, std::pair<double, double> t, double baseline) {
  std::printf("  %-34s p50 %8.2f ms  p90 %8.2f ms  %5.2fx yaml-cpp load\n",
              what, t.first, t.second, t.first / baseline);
}

void Bench(const fs::path& file, int runs) {
  std::string text = testing::ReadFile(file);
  int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  std::printf("%s (%d lines, %zu bytes), %d runs\n",
              file.filename().c_str(), lines, text.size(), runs);
  auto load = Time(runs, [&] { YAML::Node n = YAML::Load(text); });
  Report("yaml-cpp load (baseline)", load, load.first);
  auto parse = Time(runs, [&] { auto d = contract::ParseYaml(text, "c.yaml"); });
  Report("parse (tree with positions)", parse, load.first);
  contract::Document doc = *contract::ParseYaml(text, "c.yaml");
  size_t findings = 0;
  auto lint = Time(runs, [&] { findings = contract::Lint(doc).size(); });
  Report("lint (schema + semantic rules)", lint, load.first);
  auto lint_file = Time(runs, [&] {
    auto d = contract::ParseYaml(text, "c.yaml");
    findings = contract::Lint(*d).size();
  });
  Report("parse + lint", lint_file, load.first);
  // Diff against a copy with its last property's type changed: every object
  // and property is matched, one change found.
  std::string changed = text;
  size_t at = changed.rfind("logicalType: ");
  changed.replace(at, 13, "logicalType: \"boolean\" #");
  contract::Document other = *contract::ParseYaml(changed, "new.yaml");
  size_t changes = 0;
  auto diff = Time(runs, [&] {
    contract::Contract a = contract::FromDocument(doc);
    contract::Contract b = contract::FromDocument(other);
    changes = contract::Diff(a, b).changes.size();
  });
  Report("diff (model + compare)", diff, load.first);
  auto whole = Time(runs, [&] {
    auto a = contract::ParseYaml(text, "old.yaml");
    auto b = contract::ParseYaml(changed, "new.yaml");
    findings = contract::Lint(*b).size();
    changes = contract::Diff(contract::FromDocument(*a),
                             contract::FromDocument(*b)).changes.size();
  });
  Report("CI step: parse both, lint, diff", whole, load.first);
  std::printf("  (%zu findings, %zu changes)\n\n", findings, changes);
}

}  // namespace
}  // namespace catalog

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 30;
  namespace fs = std::filesystem;
  fs::path odcs = catalog::testing::SourceDir().parent_path() / "shared" /
                  "conformance" / "odcs" / "examples";
  catalog::Bench(odcs / "all" / "postgresql-adventureworks-contract.odcs.yaml", runs);
  catalog::Bench(catalog::testing::SourceDir() / "examples" / "contracts" /
                     "orders.odcs.yaml",
                 runs * 10);
  return 0;
}

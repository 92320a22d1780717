// ui_bench: the web UI in Debian's Chromium (bench/ui_bench.mjs, through
// playwright-core) against a real catalogd on loopback.
//
//   build/bench/ui_bench [--datasets 100000] [--hub 10000] [--contexts 6]
//
// Seeds N datasets (names and descriptions from a dozen words, so typing a
// word's prefixes matches thousands), and a hub dataset read by H jobs
// that each write a mart, the marts feeding 100 aggregates and those 10
// reports (OpenLineage events through Ingest). Then measures, in the
// browser:
//   - the first load with a cold cache: time to the sign-in form, and the
//     bytes on the wire;
//   - search as you type: each prefix of a word, its SearchDatasets (50
//     hits and the facets' counts) from request to answer, and from the
//     keystroke to the results drawn (the page waits 120 ms for more keys
//     before it asks);
//   - the hub's lineage: the first paint of the one-hop view, and the view
//     three jobs deep;
//   - the HTTP port with C browser contexts searching at once, beside an
//     OpenLineage client posting events, against one context alone.
#include <CLI/CLI.hpp>
#include <iostream>

#include "bench/bench_util.h"
#include "client/client.h"
#include "tests/daemon.h"
#include "tests/lineage_events.h"
#include "tests/test_env.h"

namespace {

using namespace catalog;

const char* kWords[] = {"orders", "customers", "payments", "invoices", "events",
                        "sessions", "products", "inventory", "shipments",
                        "refunds", "ledger", "accounts", "campaigns", "clicks"};

v1::Resource MakeDataset(int i) {
  v1::Resource r;
  v1::Dataset* d = r.mutable_dataset();
  d->mutable_key()->set_namespace_("postgres://warehouse:5432");
  const std::string word = kWords[i % std::size(kWords)];
  d->mutable_key()->set_name("warehouse.schema" + std::to_string(i % 97) + "." + word + "_" +
                             std::to_string(i));
  v1::DatasetSpec* spec = d->mutable_spec();
  spec->set_description("The " + word + " table, partition " + std::to_string(i % 31));
  spec->set_domain(i % 2 ? "sales" : "finance");
  spec->set_classification(static_cast<v1::Classification>(1 + i % 4));
  spec->add_tags(i % 3 == 0 ? "pii" : "internal-use");
  spec->add_owners()->set_principal("user:owner" + std::to_string(i % 50));
  for (int f = 0; f < 10; ++f) {
    v1::Field* field = spec->mutable_schema()->add_fields();
    field->set_name(std::string(kWords[(i + f) % std::size(kWords)]) + "_col" + std::to_string(f));
    field->set_type("bigint");
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"web UI benchmarks in Chromium"};
  int datasets = 100000, hub = 10000, contexts = 6;
  app.add_option("--datasets", datasets);
  app.add_option("--hub", hub, "jobs reading the hub dataset");
  app.add_option("--contexts", contexts, "browser contexts searching at once");
  CLI11_PARSE(app, argc, argv);

  testing::TempDir dir;
  testing::Daemon daemon(dir.path() / "data", dir.path() / "catalogd.log");
  if (!daemon.Start()) {
    std::cerr << daemon.log();
    return 1;
  }
  std::string token = testing::ReadFile(daemon.data_dir() / "admin.token");
  while (!token.empty() && token.back() == '\n') token.pop_back();
  auto c = *client::CatalogClient::Connect(
      {.address = daemon.addr(), .token = token, .timeout = std::chrono::seconds(300)});

  auto t0 = bench::Clock::now();
  v1::ApplyRequest domains;
  for (const char* path : {"sales", "finance"}) {
    domains.add_resources()->mutable_domain()->set_path(path);
  }
  if (!c->Call(&v1::CatalogService::Stub::Apply, c->catalog(), domains).ok()) return 1;
  for (int start = 0; start < datasets; start += 1000) {
    v1::ApplyRequest batch;
    for (int i = start; i < std::min(datasets, start + 1000); ++i) {
      *batch.add_resources() = MakeDataset(i);
    }
    auto r = c->Call(&v1::CatalogService::Stub::Apply, c->catalog(), batch);
    if (!r.ok()) {
      std::cerr << "apply: " << r.status() << "\n";
      return 1;
    }
  }
  // The hub: hub.dim_date -> job i -> mart_i -> agg_(i%100) -> report_(j%10).
  std::vector<std::string> events;
  auto event = [&](const std::string& job, const std::string& in, const std::string& out) {
    char run[40];
    std::snprintf(run, sizeof run, "33333333-3333-4333-8333-%012zu", events.size());
    events.push_back(testing::RunEventJson("COMPLETE", run, 7, {{.name = in}}, {{.name = out}},
                                           job, "bench", "pg://bench"));
  };
  for (int i = 0; i < hub; ++i) {
    event("load_" + std::to_string(i), "hub.dim_date", "mart_" + std::to_string(i));
    event("roll_" + std::to_string(i), "mart_" + std::to_string(i),
          "agg_" + std::to_string(i % 100));
  }
  for (int j = 0; j < 100; ++j) {
    event("report_" + std::to_string(j), "agg_" + std::to_string(j),
          "report_" + std::to_string(j % 10));
  }
  for (size_t start = 0; start < events.size(); start += 500) {
    v1::IngestRequest batch;
    for (size_t i = start; i < std::min(events.size(), start + 500); ++i) {
      batch.add_events(events[i]);
    }
    auto r = c->Call(&v1::LineageService::Stub::Ingest, c->lineage(), batch);
    if (!r.ok()) {
      std::cerr << "ingest: " << r.status() << "\n";
      return 1;
    }
  }
  std::cout << "seeded " << datasets << " datasets and a hub read by " << hub << " jobs ("
            << events.size() << " events) in " << bench::Millis(bench::Clock::now() - t0) / 1000
            << " s\n"
            << std::flush;

  using testing::ShellQuote;
  testing::CommandResult run = testing::RunCommand(
      "CATALOG_UI_BASE=http://127.0.0.1:" + std::to_string(daemon.http_port()) +
      " CATALOG_ADMIN_TOKEN=" + ShellQuote(token) +
      " CATALOG_HUB=" + ShellQuote("pg://bench/hub.dim_date") +
      " CATALOG_CONTEXTS=" + std::to_string(contexts) + " node " +
      ShellQuote((testing::SourceDir() / "bench/ui_bench.mjs").string()));
  std::cout << run.output;
  return run.code;
}

// quality_bench: what reading and keeping quality facets costs lineage
// ingestion, through the store's ingest path (parse, then IngestEvents in
// batches, durable commits), SQLite or PostgreSQL.
//
//   build/bench/quality_bench [--rounds 5] [--events 5000] [--batch 500]
//                             [--store postgres://...] [--server [--senders N]]
//
// With --server the events go through the real catalogd instead, as a
// pipeline sends them: the Ingest RPC, `--batch` events a call (catalogd
// on SQLite in a temp dir, admin token), so the rates include what
// catalogd does around the store for every event. --senders N sends each
// batch as N pipelines would, concurrently and one event a call (as
// OpenLineage's HTTP transport posts them; catalogd commits concurrent
// calls together).
//
// Each event is a dbt-style run reading two tables and writing one (a
// 10-column schema and its column lineage). The "with quality" variant adds
// what a checked pipeline sends: 5 assertions and a dataQualityMetrics facet
// (rowCount and 2 metrics for each of 10 columns) on the first input,
// outputStatistics on the output and a test run facet with 3 tests — 31
// results per event. Each round ingests both, batch by batch in turns;
// each line is one round, then the median of each and their ratio.
#include <CLI/CLI.hpp>
#include <atomic>
#include <ctime>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench/bench_util.h"
#include "client/client.h"
#include "lib/lineage/event.h"
#include "server/store/store.h"
#include "tests/daemon.h"
#include "tests/test_env.h"

namespace {

using namespace catalog;
using bench::Clock;
using bench::Millis;
using json = nlohmann::json;

// Now, as events carry it: runs that just finished, within the bench
// contract's one-day latency.
std::string Now() {
  std::time_t t = std::time(nullptr);
  char text[40];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S.000Z", std::gmtime(&t));
  return text;
}

json Event(int64_t n, bool quality) {
  static const std::string now = Now();
  char run[40];
  std::snprintf(run, sizeof(run), "00000000-0000-4000-8000-%012lld", static_cast<long long>(n));
  const int model = static_cast<int>(n % 2000);
  json schema = json::array();
  json column_lineage = json::object();
  for (int c = 0; c < 10; ++c) {
    std::string col = "c" + std::to_string(c);
    schema.push_back({{"name", col}, {"type", "bigint"}});
    column_lineage[col] = {{"inputFields",
                            {{{"namespace", "warehouse"},
                              {"name", "staging.src_" + std::to_string(model)},
                              {"field", col}}}}};
  }
  json e = {
      {"eventType", "COMPLETE"},
      {"eventTime", now},
      {"producer", "quality_bench"},
      {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"},
      {"run", {{"runId", run}, {"facets", json::object()}}},
      {"job", {{"namespace", "dbt"}, {"name", "model_" + std::to_string(model)}}},
      {"inputs",
       {{{"namespace", "warehouse"}, {"name", "staging.src_" + std::to_string(model)}},
        {{"namespace", "warehouse"}, {"name", "staging.dim_" + std::to_string(model % 50)}}}},
      {"outputs",
       {{{"namespace", "warehouse"},
         {"name", "marts.model_" + std::to_string(model)},
         {"facets",
          {{"schema", {{"fields", schema}}}, {"columnLineage", {{"fields", column_lineage}}}}}}}}};
  if (!quality) return e;
  json assertions = json::array();
  for (int a = 0; a < 5; ++a) {
    assertions.push_back({{"assertion", a % 2 ? "unique" : "not_null"},
                          {"success", n % 10 != 0 || a != 1},
                          {"column", "c" + std::to_string(a)},
                          {"severity", "error"}});
  }
  json columns = json::object();
  for (int c = 0; c < 10; ++c) {
    columns["c" + std::to_string(c)] = {{"nullCount", n % 7}, {"distinctCount", 1000 + n % 13}};
  }
  e["inputs"][0]["inputFacets"] = {
      {"dataQualityAssertions", {{"assertions", assertions}}},
      {"dataQualityMetrics", {{"rowCount", 100000 + n % 1000}, {"columnMetrics", columns}}}};
  e["outputs"][0]["outputFacets"] = {{"outputStatistics", {{"rowCount", 99000}, {"size", 8 << 20}}}};
  e["run"]["facets"]["test"] = {{"tests",
                                 {{{"name", "not_null_id"}, {"status", "pass"}},
                                  {{"name", "unique_id"}, {"status", "pass"}},
                                  {{"name", "fresh"}, {"status", n % 10 ? "pass" : "fail"}}}}};
  return e;
}

// Every source and every model under one contract: the schema events
// carry, rules on what dataQualityMetrics measures, and an SLA, so each
// event is checked and judged against it.
absl::Status BindContracts(store::Store& store) {
  std::string doc = R"(apiVersion: v3.1.0
kind: DataContract
id: bench
version: 1.0.0
status: active
slaProperties:
  - property: latency
    value: 1
    unit: d
schema:
)";
  for (const char* object : {"source", "model"}) {
    doc += std::string("  - name: ") + object + R"(
    quality:
      - metric: rowCount
        mustBeGreaterThan: 0
    properties:
)";
    for (int c = 0; c < 10; ++c) {
      doc += "      - name: c" + std::to_string(c) + "\n        logicalType: integer\n";
      if (c < 2) doc += "        quality:\n          - metric: nullValues\n            mustBeLessThan: 10\n";
    }
  }
  std::vector<store::ContractBinding> bindings;
  for (int m = 0; m < 2000; ++m) {
    bindings.push_back({"source", {"warehouse", "staging.src_" + std::to_string(m)}});
    bindings.push_back({"model", {"warehouse", "marts.model_" + std::to_string(m)}});
  }
  store::StoredContract c{.id = "bench", .version = "1.0.0", .status = "active",
                          .document = doc, .file = "bench.yaml"};
  return store
      .PutContract(c, bindings, [](const store::StoredContract*) { return absl::OkStatus(); },
                   "user:bench")
      .status();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"quality facets' cost to ingestion"};
  int rounds = 5, events = 5000, batch = 500;
  std::string store_url, only;
  bool contracts = false;
  app.add_option("--only", only, "plain or quality: every round that variant (to profile it)");
  app.add_option("--rounds", rounds);
  app.add_option("--events", events, "per round and variant");
  app.add_option("--batch", batch, "events per IngestEvents call");
  app.add_option("--store", store_url, "a postgres:// URL (default: SQLite in a temp dir)");
  bool server = false;
  app.add_flag("--server", server,
               "ingest through a catalogd started for the bench (the Ingest RPC), not the store");
  int senders = 0;
  app.add_option("--senders", senders,
                 "with --server: each batch sent by this many concurrent senders, an event a call")
      ->check(CLI::Range(1, 256));
  app.add_flag("--contracts", contracts,
               "bind a contract (schema, quality rules, an SLA) to every source and model "
               "after the warm-up round");
  CLI11_PARSE(app, argc, argv);

  if (senders > 0 && !server) {
    std::cerr << "--senders: only with --server\n";
    return 2;
  }
  if (server && (contracts || !store_url.empty())) {
    std::cerr << "--server: not with --contracts or --store (catalogd runs on its SQLite)\n";
    return 2;
  }
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<store::Store>> store;
  std::unique_ptr<testing::Daemon> daemon;
  std::unique_ptr<client::CatalogClient> client;
  if (server) {
    daemon = std::make_unique<testing::Daemon>(dir.path() / "data", dir.path() / "catalogd.log");
    if (!daemon->Start()) {
      std::cerr << daemon->log();
      return 1;
    }
    std::string token = testing::ReadFile(daemon->data_dir() / "admin.token");
    token.pop_back();
    auto connected = client::CatalogClient::Connect(
        {.address = daemon->addr(), .token = token, .timeout = std::chrono::seconds(300)});
    if (!connected.ok()) {
      std::cerr << connected.status() << "\n";
      return 1;
    }
    client = *std::move(connected);
  } else {
    store::Store::Options options{.path = (dir.path() / "catalog.db").string(),
                                  .postgres = store_url};
    store = store::Store::Open(options);
    if (!store.ok()) {
      std::cerr << store.status() << "\n";
      return 1;
    }
  }
  int64_t next = 0;
  std::cout << "event size: plain " << Event(0, false).dump().size() << " bytes, with quality "
            << Event(0, true).dump().size() << " bytes\n";
  // One variant's events of a round and the time they took.
  struct Variant {
    bool quality = false;
    std::vector<std::string> texts;
    Clock::duration parsing{}, total{};
  };
  // Parses and ingests texts [from, to) of `v`, adding to its times.
  auto ingest = [&](Variant& v, size_t from, size_t to) -> absl::Status {
    auto t0 = Clock::now();
    if (server && senders > 0) {
      std::atomic<size_t> next_event{from};
      std::mutex mu;
      absl::Status first_error;
      std::vector<std::thread> threads;
      t0 = Clock::now();
      for (int t = 0; t < senders; ++t) {
        threads.emplace_back([&] {
          for (size_t k = next_event++; k < to; k = next_event++) {
            v1::IngestRequest req;
            req.add_events(v.texts[k]);
            auto r = client->Call(&v1::LineageService::Stub::Ingest, client->lineage(), req);
            if (!r.ok()) {
              std::lock_guard<std::mutex> lock(mu);
              first_error.Update(r.status());
            }
          }
        });
      }
      for (std::thread& t : threads) t.join();
      v.total += Clock::now() - t0;
      return first_error;
    }
    if (server) {
      // catalogd parses them: all of the time counts as storing.
      v1::IngestRequest req;
      for (size_t k = from; k < to; ++k) req.add_events(v.texts[k]);
      t0 = Clock::now();
      auto r = client->Call(&v1::LineageService::Stub::Ingest, client->lineage(), req);
      v.total += Clock::now() - t0;
      return r.status();
    }
    std::vector<lineage::Event> parsed;
    for (size_t k = from; k < to; ++k) {
      auto e = lineage::ParseEvent(v.texts[k]);
      if (!e.ok()) return e.status();
      parsed.push_back(*std::move(e));
    }
    v.parsing += Clock::now() - t0;
    absl::Status done = (*store)->IngestEvents(parsed, "serviceaccount:bench").status();
    v.total += Clock::now() - t0;
    return done;
  };
  auto report = [&](const Variant& v) {
    std::cout << (v.quality ? " with quality " : " plain ")
              << static_cast<int>(events / (Millis(v.total) / 1000)) << " events/s (";
    if (server) {
      std::cout << static_cast<int>(1000 * Millis(v.total) / events) << " us an event)";
      return;
    }
    std::cout << "parsing " << static_cast<int>(1000 * Millis(v.parsing) / events)
              << " us an event, storing "
              << static_cast<int>(1000 * (Millis(v.total) - Millis(v.parsing)) / events) << " us)";
  };
  std::vector<double> plain_rates, quality_rates, ratios;
  for (int r = 0; r <= rounds; ++r) {
    // Round 0 warms up (registers the datasets and jobs). Then each round
    // runs both variants, batch by batch in turns (plain, quality, quality,
    // plain, ...), so the machine's drifts and the growing database weigh
    // on both alike: on this kind of machine speed wanders by a third over
    // seconds, more than the difference measured.
    std::vector<Variant> variants;
    // One variant in the warm-up and with --only; both otherwise.
    const bool one = r == 0 || !only.empty();
    for (bool quality : {false, true}) {
      if (one && quality != (only == "quality")) continue;
      Variant v{.quality = quality};
      for (int i = 0; i < events; ++i) v.texts.push_back(Event(next++, quality).dump());
      variants.push_back(std::move(v));
    }
    for (size_t b = 0, from = 0; from < static_cast<size_t>(events); ++b, from += batch) {
      const size_t to = std::min(static_cast<size_t>(events), from + batch);
      for (size_t n = 0; n < variants.size(); ++n) {
        Variant& v = variants[b % 2 == 0 ? n : variants.size() - 1 - n];
        if (absl::Status done = ingest(v, from, to); !done.ok()) {
          std::cerr << done << "\n";
          return 1;
        }
      }
    }
    if (r == 0) {
      if (contracts) {
        absl::Status bound = BindContracts(**store);
        if (!bound.ok()) {
          std::cerr << bound << "\n";
          return 1;
        }
      }
      continue;
    }
    std::cout << "round " << r << ":";
    for (const Variant& v : variants) {
      report(v);
      (v.quality ? quality_rates : plain_rates).push_back(events / (Millis(v.total) / 1000));
    }
    if (variants.size() == 2) {
      ratios.push_back(Millis(variants[0].total) / Millis(variants[1].total));
      std::cout << "; ratio " << static_cast<int>(1000 * ratios.back()) / 10.0 << "%";
    }
    std::cout << "\n";
  }
  double plain = bench::Percentile(plain_rates, 0.5), with = bench::Percentile(quality_rates, 0.5);
  std::cout << "median: plain " << static_cast<int>(plain) << " events/s, with quality "
            << static_cast<int>(with) << " events/s (31 results each): " << 100 * with / plain
            << "% of plain";
  if (!ratios.empty()) {
    std::cout << "; median of the rounds' ratios " << 100 * bench::Percentile(ratios, 0.5) << "%";
  }
  std::cout << "\n";
  return 0;
}

// catalog_bench: the catalog core's benchmarks, against the real catalogd
// binary over gRPC on loopback.
//
//   build/bench/catalog_bench [--datasets 100000] [--fields 20]
//                             [--samples 20000] [--data-dir DIR]
//
// Measures, on a catalog of N datasets of F fields each:
//   - GetDataset latency p50/p99, against Ping (an RPC that only
//     authenticates) measured in the same run, interleaved in blocks so both
//     see the same machine noise; reported as a ratio;
//   - SearchDatasets latency p50/p99; search as you type (every prefix of
//     a word, 50 hits) with the facets' counts, against the same without;
//   - `catalogctl apply -f` of a file of 1,000 new datasets (wall time);
//   - catalogd start-to-serving time on the populated database, and its
//     resident memory when idle.
// With --data-dir, an existing populated directory is reused.
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <random>

#include "bench/bench_util.h"
#include "client/client.h"
#include "server/store/store.h"
#include "tests/daemon.h"
#include "tests/test_env.h"

namespace {

using namespace catalog;
using bench::Clock;
using bench::Micros;
using bench::Percentile;
using bench::Rss;
using Stub = v1::CatalogService::Stub;



const char* kWords[] = {"orders", "customers", "payments", "invoices", "events",
                        "sessions", "products", "inventory", "shipments",
                        "refunds", "ledger", "accounts", "campaigns", "clicks"};

v1::Resource MakeDataset(int i, int fields, const std::string& ns) {
  v1::Resource r;
  v1::Dataset* d = r.mutable_dataset();
  d->mutable_key()->set_namespace_(ns);
  std::string word = kWords[i % std::size(kWords)];
  d->mutable_key()->set_name("warehouse.schema" + std::to_string(i % 97) + "." +
                             word + "_" + std::to_string(i));
  v1::DatasetSpec* spec = d->mutable_spec();
  spec->set_description("The " + word + " table, partition " +
                        std::to_string(i % 31) + ", loaded nightly");
  spec->set_classification(static_cast<v1::Classification>(1 + i % 4));
  spec->add_tags(i % 3 == 0 ? "pii" : "internal-use");
  spec->add_tags("team-" + std::to_string(i % 17));
  v1::Owner* o = spec->add_owners();
  o->set_principal("user:owner" + std::to_string(i % 500));
  o->set_type(v1::OWNERSHIP_TYPE_TECHNICAL);
  (*spec->mutable_properties())["tier"] = i % 2 ? "gold" : "silver";
  for (int f = 0; f < fields; ++f) {
    v1::Field* field = spec->mutable_schema()->add_fields();
    field->set_name(std::string(kWords[(i + f) % std::size(kWords)]) + "_col" +
                    std::to_string(f));
    field->set_type(f % 3 == 0 ? "bigint" : f % 3 == 1 ? "varchar" : "timestamp");
    field->set_nullable(f != 0);
    field->set_description("column " + std::to_string(f));
  }
  return r;
}


std::unique_ptr<client::CatalogClient> Connect(const testing::Daemon& d) {
  std::string token = testing::ReadFile(d.data_dir() / "admin.token");
  token.pop_back();
  return *client::CatalogClient::Connect(
      {.address = d.addr(), .token = token, .timeout = std::chrono::seconds(120)});
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"catalog core benchmarks"};
  int datasets = 100000, fields = 20, samples = 20000;
  std::string data_dir;
  app.add_option("--datasets", datasets);
  app.add_option("--fields", fields);
  app.add_option("--samples", samples);
  app.add_option("--data-dir", data_dir, "reuse (or create) this directory");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<testing::TempDir> temp;
  if (data_dir.empty()) {
    temp = std::make_unique<testing::TempDir>();
    data_dir = (temp->path() / "data").string();
  }
  std::filesystem::create_directories(std::filesystem::path(data_dir).parent_path());
  std::filesystem::path log = std::filesystem::path(data_dir).parent_path() /
                              "catalogd-bench.log";
  const std::string ns = "postgres://warehouse:5432";

  // 1. Populate (skipped when the directory already holds the catalog).
  {
    testing::Daemon daemon(data_dir, log);
    if (!daemon.Start()) {
      std::cerr << daemon.log();
      return 1;
    }
    auto c = Connect(daemon);
    v1::GetDatasetRequest last;
    *last.mutable_key() = MakeDataset(datasets - 1, fields, ns).dataset().key();
    absl::StatusOr<v1::Dataset> existing;
    testing::WaitFor(
        [&] {
          existing = c->Call(&Stub::GetDataset, c->catalog(), last);
          return existing.status().code() != absl::StatusCode::kUnavailable;
        },
        std::chrono::seconds(120));
    if (!existing.ok()) {
      std::cerr << "populating (the probe said " << existing.status() << ")\n";
      auto start = Clock::now();
      for (int i = 0; i < datasets; i += 1000) {
        v1::ApplyRequest req;
        for (int k = i; k < std::min(datasets, i + 1000); ++k) {
          *req.add_resources() = MakeDataset(k, fields, ns);
        }
        auto r = c->Call(&Stub::Apply, c->catalog(), req);
        if (!r.ok()) {
          std::cerr << "populate: " << r.status() << "\n";
          return 1;
        }
      }
      std::cout << "populate: " << datasets << " datasets x " << fields
                << " fields in "
                << std::chrono::duration<double>(Clock::now() - start).count()
                << " s\n";
    }
    daemon.Stop();
  }

  // 2. Start to serving on the populated database (median of 5).
  v1::GetDatasetRequest probe_get;
  *probe_get.mutable_key() = MakeDataset(0, fields, ns).dataset().key();
  std::vector<double> starts, readies;
  for (int run = 0; run < 5; ++run) {
    testing::Daemon daemon(data_dir, log);
    auto t0 = Clock::now();
    if (!daemon.Start()) return 1;
    auto c = Connect(daemon);
    testing::WaitFor([&] { return c->Call(&Stub::Ping, c->catalog(), {}).ok(); });
    starts.push_back(Micros(Clock::now() - t0) / 1000);
    // Reads need an authorization decision, so the first snapshot.
    testing::WaitFor(
        [&] { return c->Call(&Stub::GetDataset, c->catalog(), probe_get).ok(); },
        std::chrono::seconds(120));
    readies.push_back(Micros(Clock::now() - t0) / 1000);
    daemon.Stop();
  }
  std::cout << "start-to-serving: median " << Percentile(starts, 0.5)
            << " ms (5 runs, from fork to the first answered Ping); to the "
               "first authorized GetDataset: median "
            << Percentile(readies, 0.5) << " ms\n";

  testing::Daemon daemon(data_dir, log);
  if (!daemon.Start()) return 1;
  auto c = Connect(daemon);
  testing::WaitFor(
      [&] { return c->Call(&Stub::GetDataset, c->catalog(), probe_get).ok(); },
      std::chrono::seconds(120));
  std::cout << "idle RSS after start: " << Rss(daemon.pid()) << "\n";

  // 3. GetDataset vs Ping, interleaved blocks of 500.
  std::mt19937 rng(42);
  std::vector<double> get_us, ping_us;
  for (int done = 0; done < samples; done += 500) {
    for (int k = 0; k < 500; ++k) {
      auto t0 = Clock::now();
      auto r = c->Call(&Stub::Ping, c->catalog(), {});
      ping_us.push_back(Micros(Clock::now() - t0));
      if (!r.ok()) return 1;
    }
    for (int k = 0; k < 500; ++k) {
      v1::GetDatasetRequest req;
      *req.mutable_key() =
          MakeDataset(static_cast<int>(rng() % datasets), fields, ns)
              .dataset()
              .key();
      auto t0 = Clock::now();
      auto r = c->Call(&Stub::GetDataset, c->catalog(), req);
      get_us.push_back(Micros(Clock::now() - t0));
      if (!r.ok()) {
        std::cerr << r.status() << "\n";
        return 1;
      }
    }
  }
  double ping50 = Percentile(ping_us, 0.5), ping99 = Percentile(ping_us, 0.99);
  double get50 = Percentile(get_us, 0.5), get99 = Percentile(get_us, 0.99);
  std::cout << "Ping:       p50 " << ping50 << " us, p99 " << ping99 << " us ("
            << ping_us.size() << " calls)\n";
  std::cout << "GetDataset: p50 " << get50 << " us, p99 " << get99 << " us ("
            << get_us.size() << " calls)\n";
  std::cout << "GetDataset / Ping: p50 " << get50 / ping50 << "x, p99 "
            << get99 / ping99 << "x\n";

  // 4. Search.
  std::vector<double> search_us;
  for (int k = 0; k < 1000; ++k) {
    v1::SearchRequest req;
    std::string q = kWords[rng() % std::size(kWords)];
    if (k % 2) q += " partition " + std::to_string(rng() % 31);
    req.set_query(q);
    req.set_page_size(20);
    auto t0 = Clock::now();
    auto r = c->Call(&Stub::SearchDatasets, c->catalog(), req);
    search_us.push_back(Micros(Clock::now() - t0));
    if (!r.ok()) {
      std::cerr << r.status() << "\n";
      return 1;
    }
  }
  std::cout << "Search:     p50 " << Percentile(search_us, 0.5) / 1000
            << " ms, p99 " << Percentile(search_us, 0.99) / 1000
            << " ms (1000 queries, 20 hits a page)\n";
  // 4b. Search as you type, as the web UI does: each keystroke of a word
  // a SearchDatasets of 50 hits with the facets' counts; against the same
  // keystrokes without facets, interleaved, in the same run.
  std::vector<double> typed_us, plain_us;
  for (int round = 0; round < 20; ++round) {
    for (const char* word : kWords) {
      std::string typed;
      for (const char* ch = word; *ch != '\0'; ++ch) {
        typed += *ch;
        for (bool facets : {true, false}) {
          v1::SearchRequest req;
          req.set_query(typed);
          req.set_page_size(50);
          req.set_facets(facets);
          auto t0 = Clock::now();
          auto r = c->Call(&Stub::SearchDatasets, c->catalog(), req);
          (facets ? typed_us : plain_us).push_back(Micros(Clock::now() - t0));
          if (!r.ok()) {
            std::cerr << r.status() << "\n";
            return 1;
          }
        }
      }
    }
  }
  std::cout << "Search as you type, 50 hits and facets: p50 " << Percentile(typed_us, 0.5) / 1000
            << " ms, p99 " << Percentile(typed_us, 0.99) / 1000 << " ms; without facets: p50 "
            << Percentile(plain_us, 0.5) / 1000 << " ms, p99 " << Percentile(plain_us, 0.99) / 1000
            << " ms (" << typed_us.size() << " keystrokes each)\n";
  std::cout << "idle RSS after the read workload: " << Rss(daemon.pid())
            << "\n";

  // 5. catalogctl apply -f of 1,000 new datasets from one file (median of 3).
  std::vector<double> applies;
  for (int run = 0; run < 3; ++run) {
    std::filesystem::path file =
        std::filesystem::path(data_dir).parent_path() / "apply-1000.yaml";
    {
      std::ofstream out(file);
      for (int i = 0; i < 1000; ++i) {
        v1::Dataset d = MakeDataset(i, fields, "").dataset();
        out << "---\napiVersion: catalog/v1\nkind: Dataset\nmetadata:\n"
            << "  namespace: \"s3://bench-run-" << getpid() << "-" << run
            << "\"\n  name: \"" << d.key().name() << "\"\nspec:\n"
            << "  description: \"" << d.spec().description() << "\"\n"
            << "  classification: confidential\n  tags: [pii]\n"
            << "  owners: [{principal: \"user:alice\", type: technical}]\n"
            << "  schema:\n    fields:\n";
        for (const auto& f : d.spec().schema().fields()) {
          out << "      - {name: " << f.name() << ", type: " << f.type()
              << ", nullable: " << (f.nullable() ? "true" : "false") << "}\n";
        }
      }
    }
    std::string token = testing::ReadFile(daemon.data_dir() / "admin.token");
    token.pop_back();
    std::string cmd = "CATALOG_ADDR=" + daemon.addr() + " CATALOG_TOKEN=" +
                      token + " '" +
                      (testing::BinDir() / "client" / "catalogctl").string() +
                      "' apply -f '" + file.string() + "' > /dev/null";
    auto t0 = Clock::now();
    int status = std::system(cmd.c_str());
    applies.push_back(Micros(Clock::now() - t0) / 1e6);
    if (WEXITSTATUS(status) != 0) {
      std::cerr << "apply failed\n";
      return 1;
    }
  }
  std::cout << "catalogctl apply -f (1,000 datasets x " << fields
            << " fields, one file): median " << Percentile(applies, 0.5)
            << " s (3 runs)\n";
  daemon.Stop();

  // 6. Where GetDataset's time goes: the store's reads alone, in process
  // (one read transaction each), against the whole call measured above.
  {
    auto store = store::Store::Open({.path = data_dir + "/catalog.db"});
    if (!store.ok()) {
      std::cerr << store.status() << "\n";
      return 1;
    }
    std::vector<double> read_us, with_observations_us;
    for (int k = 0; k < 5000; ++k) {
      v1::DatasetKey key =
          MakeDataset(static_cast<int>(rng() % datasets), fields, ns).dataset().key();
      auto t0 = Clock::now();
      auto d = (*store)->GetDataset({key.namespace_(), key.name()});
      auto t1 = Clock::now();
      std::vector<store::Observation> observations;
      auto o = (*store)->GetDataset({key.namespace_(), key.name()}, &observations);
      if (!d.ok() || !o.ok()) {
        std::cerr << (d.ok() ? o.status() : d.status()) << "\n";
        return 1;
      }
      read_us.push_back(Micros(t1 - t0));
      with_observations_us.push_back(Micros(Clock::now() - t1));
    }
    std::cout << "in process: Store::GetDataset p50 " << Percentile(read_us, 0.5)
              << " us, p99 " << Percentile(read_us, 0.99)
              << " us; with its observations (the server's read) p50 "
              << Percentile(with_observations_us, 0.5)
              << " us (5000 each)\n";
  }
  return 0;
}

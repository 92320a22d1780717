// health_bench: what dataset health costs where it must be cheap.
//
//   build/bench/health_bench [--datasets 1000000] [--fanout 50] [--sweep 100000]
//
// 1. A failing hub: a catalog of --datasets datasets (in the authorization
//    snapshot and the lineage graph) where one dataset feeds --fanout jobs
//    that write 20 datasets each, each read by a job writing 2, each of
//    those by one writing 1 (fanout × 100 datasets within 3 hops). The hub
//    turns failing and back, 9 times each: the next snapshot derived from
//    the change (as every replica does) and the upstream degradation
//    walked from the lineage graph, apart and together; then a decision on
//    a degraded dataset (seen through an overlay) against a healthy one.
// 2. The clock's sweep: --sweep datasets bound to a contract with a
//    one-hour latency, each written once (SQLite, durable commits); the
//    clock moves past the hour and Store::JudgeDueHealth judges them all
//    stale, a thousand per transaction: wall and CPU time.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "lib/lineage/event.h"
#include "lib/policy/parser.h"
#include "lib/util/strings.h"
#include "server/authz/catalog_entities.h"
#include "server/authz/snapshot.h"
#include "server/lineage/graph.h"
#include "server/lineage/health_spread.h"
#include "tests/test_env.h"

namespace {

using namespace catalog;
using bench::Clock;
using bench::Micros;
using bench::Millis;
using bench::Percentile;

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

DatasetKey Key(const std::string& name) { return {"warehouse", name}; }

void FailingHub(int datasets, int fanout) {
  std::vector<store::LineageEdge> edges;
  auto edge = [&](const std::string& job, const std::string& dataset, bool output) {
    edges.push_back({.job = {"dbt", job}, .dataset = Key(dataset), .output = output,
                     .active = true, .run_id = "r"});
  };
  int downstream = 0;
  for (int a = 0; a < fanout; ++a) {
    const std::string j1 = StrCat("hub_", a);
    edge(j1, "hub", false);
    for (int b = 0; b < 20; ++b) {
      const std::string d1 = StrCat("d1_", a, "_", b), j2 = StrCat("j2_", a, "_", b);
      edge(j1, d1, true);
      edge(j2, d1, false);
      for (int c = 0; c < 2; ++c) {
        const std::string d2 = StrCat(d1, "_", c), j3 = StrCat("j3_", a, "_", b, "_", c);
        edge(j2, d2, true);
        edge(j3, d2, false);
        edge(j3, StrCat(d2, "_x"), true);
        downstream += 2;
      }
      ++downstream;
    }
  }
  // The rest of the catalog: pairs read and written by a job each.
  const int rest = std::max(0, datasets - downstream - 1);
  for (int i = 0; i < rest / 2; ++i) {
    edge(StrCat("job_", i), StrCat("src_", i), false);
    edge(StrCat("job_", i), StrCat("out_", i), true);
  }
  testing::TempDir dir;
  auto store = store::Store::Open({.path = (dir.path() / "c.db").string()});
  lineage::LineageGraph graph;
  if (!store.ok() || !graph.Load(**store).ok()) return;
  auto t0 = Clock::now();
  graph.OnCommit({.catalog_revision = 1, .lineage_edges = edges});
  std::cout << "lineage graph: " << graph.dataset_count() << " datasets, " << graph.edge_count()
            << " edges in " << Millis(Clock::now() - t0) << " ms; the hub has " << downstream
            << " datasets downstream within 3 hops\n";
  edges.clear();
  edges.shrink_to_fit();

  // The snapshot: every dataset an entity.
  policy::Entities entities;
  auto add = [&](const std::string& name) {
    Dataset d{.key = Key(name)};
    entities.Add(authz::DatasetEntity(d, nullptr));
  };
  add("hub");
  for (int a = 0; a < fanout; ++a) {
    for (int b = 0; b < 20; ++b) {
      const std::string d1 = StrCat("d1_", a, "_", b);
      add(d1);
      for (int c = 0; c < 2; ++c) {
        add(StrCat(d1, "_", c));
        add(StrCat(d1, "_", c, "_x"));
      }
    }
  }
  for (int i = 0; i < rest / 2; ++i) {
    add(StrCat("src_", i));
    add(StrCat("out_", i));
  }
  entities.Finalize();
  auto policies = policy::ParsePolicyFiles(
      {{"p.cedar",
        "permit (principal, action == Action::\"read\", resource is Dataset);\n"
        "forbid (principal, action == Action::\"read\", resource is Dataset) when {\n"
        "  [\"failing\", \"stale\", \"upstream-degraded\"].contains(resource.health) };\n"}});
  if (!policies.ok()) {
    std::cerr << policies.status() << "\n";
    return;
  }
  std::shared_ptr<const authz::Snapshot> snapshot =
      authz::Snapshot::ForBenchmark(*policies, std::move(entities));
  std::cout << "snapshot: " << snapshot->entities().size() << " entities\n";

  std::vector<double> derive_us, spread_us, total_us, heal_us;
  size_t degraded = 0;
  for (int round = 0; round < 18; ++round) {
    const bool failing = round % 2 == 0;
    Dataset hub{.key = Key("hub")};
    hub.health.state = failing ? "failing" : "ok";
    store::Change change{.catalog_revision = round + 2};
    change.upserted.push_back({.kind = Resource::Kind::kDataset, .dataset = hub});
    auto t = Clock::now();
    auto next = snapshot->WithChanges(change, change.catalog_revision, nullptr);
    auto derived = Clock::now();
    if (!next.ok() || !(*next)->UpstreamMayMove(change)) {
      std::cerr << "the change did not move upstream degradation\n";
      return;
    }
    auto upstream = lineage::SpreadHealth(graph, (*next)->UnhealthySources(), 3);
    if (!upstream.ok()) return;
    snapshot = (*next)->WithUpstream(*upstream);
    auto done = Clock::now();
    if (!failing) {
      heal_us.push_back(Micros(done - t));
      continue;
    }
    if (std::getenv("HEALTH_BENCH_ROUNDS") != nullptr) {
      std::cout << "  round " << round / 2 + 1 << ": derived " << Micros(derived - t)
                << " us, walked " << Micros(done - derived) << " us\n";
    }
    derive_us.push_back(Micros(derived - t));
    spread_us.push_back(Micros(done - derived));
    total_us.push_back(Micros(done - t));
    degraded = (*upstream)->size();
  }
  std::cout << "the hub turns failing (median of 9): snapshot derived in "
            << Percentile(derive_us, 0.5) << " us, upstream degradation (" << degraded
            << " datasets) walked in " << Percentile(spread_us, 0.5) << " us; together "
            << Percentile(total_us, 0.5) << " us (p90 " << Percentile(total_us, 0.9)
            << " us); back to ok: " << Percentile(heal_us, 0.5) << " us\n";

  // Decisions: a degraded dataset (overlay) against a healthy one.
  Dataset hub{.key = Key("hub")};
  hub.health.state = "failing";
  store::Change change{.catalog_revision = 100};
  change.upserted.push_back({.kind = Resource::Kind::kDataset, .dataset = hub});
  snapshot = *snapshot->WithChanges(change, 100, nullptr);
  snapshot = snapshot->WithUpstream(*lineage::SpreadHealth(graph, snapshot->UnhealthySources(), 3));
  auto decide = [&](const std::string& name, bool* allowed) {
    policy::Request r{.principal = {"User", "ml"},
                      .action = {"Action", "read"},
                      .resource = authz::DatasetUid(Key(name))};
    std::vector<double> us;
    for (int i = 0; i < 20000; ++i) {
      auto t = Clock::now();
      policy::Response resp = snapshot->Authorize(r, snapshot->entities());
      us.push_back(Micros(Clock::now() - t));
      *allowed = resp.allow;
    }
    return Percentile(us, 0.5);
  };
  bool healthy_allowed = false, degraded_allowed = true;
  double healthy = decide("out_7", &healthy_allowed);
  double degraded_p50 = decide("d1_3_4_1_x", &degraded_allowed);
  std::cout << "decision p50: healthy dataset " << healthy << " us ("
            << (healthy_allowed ? "allow" : "deny") << "), upstream-degraded one "
            << degraded_p50 << " us (" << (degraded_allowed ? "allow" : "deny") << ")\n";
}

void Sweep(int n) {
  testing::TempDir dir;
  std::atomic<int64_t> now{*lineage::ParseEventTime("2026-12-01T02:00:00Z")};
  store::Store::Options options{.path = (dir.path() / "c.db").string()};
  options.clock_ms = [&] { return now.load(); };
  auto store = store::Store::Open(options);
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return;
  }
  // One contract with a one-hour latency bound to every dataset, each
  // written by a run (100 outputs an event).
  std::vector<store::ContractBinding> bindings;
  for (int i = 0; i < n; ++i) bindings.push_back({"orders", Key(StrCat("t_", i))});
  std::vector<lineage::Event> events;
  for (int e = 0; e < n / 100; ++e) {
    nlohmann::json ev = {{"eventType", "COMPLETE"},
                         {"eventTime", "2026-12-01T02:00:00Z"},
                         {"producer", "health_bench"},
                         {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json"},
                         {"run", {{"runId", StrCat("00000000-0000-4000-8000-", 100000000000 + e)}}},
                         {"job", {{"namespace", "dbt"}, {"name", StrCat("load_", e)}}},
                         {"inputs", nlohmann::json::array()},
                         {"outputs", nlohmann::json::array()}};
    for (int k = 0; k < 100; ++k) {
      ev["outputs"].push_back({{"namespace", "warehouse"}, {"name", StrCat("t_", e * 100 + k)}});
    }
    auto parsed = lineage::ParseEvent(ev.dump());
    if (!parsed.ok()) {
      std::cerr << parsed.status() << "\n";
      return;
    }
    events.push_back(*std::move(parsed));
  }
  auto t0 = Clock::now();
  for (size_t i = 0; i < events.size(); i += 50) {
    std::vector<lineage::Event> batch(events.begin() + i,
                                      events.begin() + std::min(events.size(), i + 50));
    if (auto r = (*store)->IngestEvents(batch, "serviceaccount:etl"); !r.ok()) {
      std::cerr << r.status() << "\n";
      return;
    }
  }
  auto t1 = Clock::now();
  store::StoredContract c{
      .id = "orders", .version = "1.0.0", .status = "active",
      .document = "apiVersion: v3.1.0\nkind: DataContract\nid: orders\nversion: 1.0.0\n"
                  "status: active\nschema:\n  - name: orders\n"
                  "slaProperties:\n  - property: latency\n    value: 1\n    unit: h\n"};
  std::vector<store::ContractBinding> all;
  for (const auto& b : bindings) all.push_back({.object = "orders", .dataset = b.dataset});
  auto put = (*store)->PutContract(c, all, [](const store::StoredContract*) {
    return absl::OkStatus();
  }, "user:admin");
  if (!put.ok()) {
    std::cerr << put.status() << "\n";
    return;
  }
  auto t2 = Clock::now();
  std::cout << "sweep: " << n << " datasets written (" << Millis(t1 - t0)
            << " ms), bound to a contract with a 1 h latency (" << Millis(t2 - t1) << " ms)\n";
  now += 3600 * 1000 + 1000;
  const double cpu0 = CpuSeconds();
  auto s0 = Clock::now();
  int judged = 0, transactions = 0;
  while (true) {
    auto r = (*store)->JudgeDueHealth(1000);
    if (!r.ok()) {
      std::cerr << r.status() << "\n";
      return;
    }
    ++transactions;
    judged += *r;
    if (*r < 1000) break;
  }
  const double wall = Millis(Clock::now() - s0);
  const double cpu = (CpuSeconds() - cpu0) * 1000;
  auto h = (*store)->GetDatasetHealth(Key("t_7"));
  std::cout << "  the clock passes the hour: " << judged << " judged stale in " << transactions
            << " transactions, " << wall << " ms wall, " << cpu << " ms CPU ("
            << cpu * 1000 / std::max(judged, 1) << " us CPU a dataset); t_7 is "
            << (h.ok() ? h->health.freshness : "?") << "\n";
  s0 = Clock::now();
  auto idle = (*store)->JudgeDueHealth(1000);
  std::cout << "  a sweep with nothing due: " << Micros(Clock::now() - s0) << " us ("
            << (idle.ok() ? *idle : -1) << " judged)\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"health_bench: a failing hub's upstream degradation, the freshness sweep"};
  int datasets = 1000000, fanout = 50, sweep = 100000;
  app.add_option("--datasets", datasets, "datasets in the snapshot and the lineage graph");
  app.add_option("--fanout", fanout, "jobs reading the hub (100 datasets downstream each)");
  app.add_option("--sweep", sweep, "datasets whose freshness the clock judges (0: skip)");
  CLI11_PARSE(app, argc, argv);
  FailingHub(datasets, fanout);
  if (sweep > 0) Sweep(sweep);
  return 0;
}

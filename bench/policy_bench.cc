// policy_bench: the policy engine's benchmarks.
//
//   build/bench/policy_bench [--data-dir DIR] [--decisions 200000]
//                            [--only in-process|rebuild|grpc]
//
// 1. In process: 1,000 policies over 100,000 entities shaped like a catalog
//    (users in nested groups, a domain tree, datasets with owners, tags,
//    classification); latency of single decisions, p50/p99.
// 2. Snapshot rebuild: loading the catalog from SQLite and building the
//    snapshot, on the database in --data-dir (catalog_bench makes one with
//    100,000 datasets).
// 3. Over gRPC against the real catalogd on that database: Authorize against
//    Ping (interleaved blocks), and BatchAuthorize throughput.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "bench/bench_util.h"
#include "client/client.h"
#include "lib/catalog/model.h"
#include "lib/policy/evaluator.h"
#include "lib/policy/parser.h"
#include "server/authz/snapshot.h"
#include "tests/daemon.h"
#include "tests/test_env.h"

namespace {

using namespace catalog;
using bench::Clock;
using bench::Micros;
using bench::Percentile;
using policy::EntityUid;
using policy::Value;



constexpr int kUsers = 5000, kGroups = 500, kDomains = 200;
int g_datasets = 94300;  // --datasets: with the rest, about 100,000 entities

policy::Entities MakeEntities(std::mt19937& rng) {
  policy::Entities e;
  const char* depts[] = {"sales", "finance", "hr", "eng", "ops"};
  for (int g = 0; g < kGroups; ++g) {
    policy::Entity group{.uid = {"Group", "g" + std::to_string(g)}};
    if (g >= 50) group.parents.push_back({"Group", "g" + std::to_string(g % 50)});
    e.Add(std::move(group));
  }
  for (int u = 0; u < kUsers; ++u) {
    policy::Entity user{.uid = {"User", "u" + std::to_string(u)}};
    user.attrs["department"] = Value::String(depts[u % 5]);
    user.attrs["clearance"] = Value::Long(u % 4);
    for (int k = 0; k < 3; ++k) {
      user.parents.push_back({"Group", "g" + std::to_string(rng() % kGroups)});
    }
    e.Add(std::move(user));
  }
  for (int d = 0; d < kDomains; ++d) {
    policy::Entity domain{.uid = {"Domain", "d" + std::to_string(d)}};
    if (d >= 20) domain.parents.push_back({"Domain", "d" + std::to_string(d % 20)});
    e.Add(std::move(domain));
  }
  for (int i = 0; i < g_datasets; ++i) {
    policy::Entity ds{.uid = {"Dataset", "ds" + std::to_string(i)}};
    ds.attrs["owners"] = Value::Set({Value::Entity({"User", "u" + std::to_string(rng() % kUsers)}),
                                     Value::Entity({"Group", "g" + std::to_string(rng() % kGroups)})});
    ds.attrs["tags"] = Value::Set({Value::String(i % 3 ? "internal" : "pii")});
    ds.attrs["classificationLevel"] = Value::Long(i % 4);
    ds.attrs["properties"] = Value::Record({{"dept", Value::String(depts[i % 5])}});
    ds.parents.push_back({"Domain", "d" + std::to_string(rng() % kDomains)});
    e.Add(std::move(ds));
  }
  for (const char* a : {"read", "write", "catalog:read", "catalog:write"}) {
    e.Add({.uid = {"Action", a}, .parents = {{"Action", "all"}}});
  }
  e.Finalize();
  return e;
}

// A realistic mix: group grants per domain, owner rules, attribute rules,
// and forbids on classification.
std::string MakePolicies(std::mt19937& rng) {
  std::string text;
  auto group = [&] { return "Group::\"g" + std::to_string(rng() % kGroups) + "\""; };
  auto domain = [&] { return "Domain::\"d" + std::to_string(rng() % kDomains) + "\""; };
  for (int i = 0; i < 700; ++i) {
    text += "permit (principal in " + group() + ", action in [Action::\"read\", "
            "Action::\"catalog:read\"], resource in " + domain() + ");\n";
  }
  for (int i = 0; i < 150; ++i) {
    text += "permit (principal in " + group() + ", action == Action::\"read\", resource in " +
            domain() + ") when { principal.department == resource.properties.dept };\n";
  }
  for (int i = 0; i < 100; ++i) {
    text += "permit (principal, action == Action::\"write\", resource in " + domain() +
            ") when { principal in resource.owners };\n";
  }
  for (int i = 0; i < 50; ++i) {
    text += "forbid (principal, action == Action::\"read\", resource in " + domain() +
            ") when { resource.classificationLevel > principal.clearance } "
            "unless { principal in " + group() + " };\n";
  }
  return text;
}

void InProcess(int decisions) {
  std::mt19937 rng(7);
  auto t0 = Clock::now();
  policy::Entities entities = MakeEntities(rng);
  auto policies = policy::ParsePolicies(MakePolicies(rng), "bench.cedar");
  if (!policies.ok()) {
    std::cerr << policies.status() << "\n";
    std::exit(1);
  }
  store::CatalogContents none;
  std::cout << "in-process: " << entities.size() << " entities, "
            << policies->size() << " policies, built in "
            << Micros(Clock::now() - t0) / 1000 << " ms\n";
  // The server's path: candidates by principal scope, then evaluation.
  // Build a snapshot-equivalent index by calling the same Authorize the
  // server uses through a Snapshot would need a store; measure the engine
  // directly, with and without the principal index.
  const char* actions[] = {"read", "write", "catalog:read"};
  std::vector<policy::Request> requests;
  for (int i = 0; i < decisions; ++i) {
    requests.push_back({.principal = {"User", "u" + std::to_string(rng() % kUsers)},
                        .action = {"Action", actions[rng() % 3]},
                        .resource = {"Dataset", "ds" + std::to_string(rng() % g_datasets)}});
  }
  std::vector<double> scan;
  std::vector<policy::Response> scanned;
  int allowed = 0;
  for (int i = 0; i < std::min(decisions, 20000); ++i) {
    auto s = Clock::now();
    policy::Response r = policy::Authorize(*policies, requests[i], entities);
    scan.push_back(Micros(Clock::now() - s));
    allowed += r.allow;
    scanned.push_back(std::move(r));
  }
  std::cout << "  every policy evaluated: p50 " << Percentile(scan, 0.5) << " us, p99 "
            << Percentile(scan, 0.99) << " us (" << scan.size() << " decisions, "
            << allowed << " allowed)\n";
  auto snapshot = authz::Snapshot::ForBenchmark(*policies, std::move(entities));
  std::vector<double> indexed;
  allowed = 0;
  for (const policy::Request& req : requests) {
    auto s = Clock::now();
    policy::Response r = snapshot->Authorize(req, snapshot->entities());
    indexed.push_back(Micros(Clock::now() - s));
    allowed += r.allow;
  }
  int differ = 0;
  for (size_t i = 0; i < scanned.size(); ++i) {
    policy::Response r = snapshot->Authorize(requests[i], snapshot->entities());
    differ += r.allow != scanned[i].allow || r.reasons != scanned[i].reasons;
  }
  std::cout << "  indexed by scope (the server's path): p50 "
            << Percentile(indexed, 0.5) << " us, p99 " << Percentile(indexed, 0.99)
            << " us (" << indexed.size() << " decisions, " << allowed
            << " allowed; " << differ << " of the first " << scanned.size()
            << " differ from evaluating every policy)\n";
}

void Rebuild(const std::string& data_dir) {
  auto store = store::Store::Open({.path = data_dir + "/catalog.db"});
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return;
  }
  auto policies = (*store)->GetPolicyVersion(0);
  store::PolicyVersion version =
      policies.ok() ? *policies
                    : store::PolicyVersion{.files = {{"p.cedar",
                                                      "permit (principal, action, resource);"}}};
  std::vector<double> load_ms, update_ms;
  size_t datasets = 0, snapshot_bytes = 0;
  std::vector<Dataset> samples;
  for (int run = 0; run < 3; ++run) {
    size_t heap0 = bench::HeapInUse();
    auto t0 = Clock::now();
    // The server's path: each stored object made an entity as it is read.
    auto snapshot = authz::Snapshot::Load(**store, version);
    load_ms.push_back(Micros(Clock::now() - t0) / 1000);
    if (!snapshot.ok()) {
      std::cerr << snapshot.status() << "\n";
      return;
    }
    snapshot_bytes = bench::HeapInUse() - heap0;
    if (samples.empty()) {
      auto page = (*store)->ListDatasets("", {.page_size = 1000});
      if (!page.ok() || page->items.empty()) return;
      samples = page->items;
    }
    // What a committed write costs: one dataset changed, the next snapshot
    // derived from this one.
    for (int k = 0; k < 3; ++k) {
      store::Change change{.catalog_revision = (*snapshot)->revision() + 1};
      Resource r{.kind = Resource::Kind::kDataset,
                 .dataset = samples[(run * 3 + k) * 97 % samples.size()]};
      r.dataset.spec.description = "changed";
      change.upserted.push_back(r);
      auto t3 = Clock::now();
      auto next = (*snapshot)->WithChanges(change, change.catalog_revision, nullptr);
      update_ms.push_back(Micros(Clock::now() - t3) / 1000);
    }
  }
  auto counted = (*store)->ScanContents({.principal = [](Principal) {},
                                         .domain = [](Domain) {},
                                         .dataset = [&](Dataset) { ++datasets; },
                                         .job = [](Job) {}});
  if (!counted.ok()) return;
  std::cout << "snapshot at " << datasets << " datasets: loaded from SQLite and built in "
            << Percentile(load_ms, 0.5)
            << " ms (median of 3); after one committed change, derived from the last: "
            << Percentile(update_ms, 0.5) << " ms (median of 9)\n";
  std::cout << "  heap: the snapshot holds " << snapshot_bytes / 1048576.0 << " MB ("
            << snapshot_bytes / std::max<size_t>(datasets, 1) << " bytes a dataset)\n";
}

void OverGrpc(const std::string& data_dir, int samples) {
  std::filesystem::path log = std::filesystem::path(data_dir).parent_path() / "policy-bench.log";
  testing::Daemon daemon(data_dir, log);
  if (!daemon.Start()) {
    std::cerr << daemon.log();
    return;
  }
  std::string token = testing::ReadFile(daemon.data_dir() / "admin.token");
  token.pop_back();
  auto c = *client::CatalogClient::Connect({.address = daemon.addr(), .token = token});
  v1::AuthorizeRequest ask;
  ask.set_principal("User::\"owner7\"");
  ask.set_action("read");
  ask.set_resource("Dataset::\"postgres://warehouse:5432/warehouse.schema7.customers_7\"");
  std::vector<double> ping, authorize;
  for (int done = 0; done < samples; done += 500) {
    for (int k = 0; k < 500; ++k) {
      auto t = Clock::now();
      if (!c->Call(&v1::CatalogService::Stub::Ping, c->catalog(), {}).ok()) return;
      ping.push_back(Micros(Clock::now() - t));
    }
    for (int k = 0; k < 500; ++k) {
      auto t = Clock::now();
      if (!c->Call(&v1::PolicyService::Stub::Authorize, c->policies(), ask).ok()) return;
      authorize.push_back(Micros(Clock::now() - t));
    }
  }
  std::cout << "over gRPC: Ping p50 " << Percentile(ping, 0.5) << " us; Authorize p50 "
            << Percentile(authorize, 0.5) << " us, p99 " << Percentile(authorize, 0.99)
            << " us; Authorize/Ping p50 " << Percentile(authorize, 0.5) / Percentile(ping, 0.5)
            << "x (throughput ratio " << Percentile(ping, 0.5) / Percentile(authorize, 0.5)
            << ")\n";
  v1::BatchAuthorizeRequest batch;
  for (int i = 0; i < 1000; ++i) {
    v1::AuthorizeRequest* r = batch.add_requests();
    r->set_principal("User::\"owner" + std::to_string(i % 500) + "\"");
    r->set_action(i % 2 ? "read" : "catalog:write");
    r->set_resource("Dataset::\"postgres://warehouse:5432/warehouse.schema" +
                    std::to_string(i % 97) + ".orders_" + std::to_string(i) + "\"");
  }
  const int kThreads = 2, kBatches = 50;
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto mine = *client::CatalogClient::Connect({.address = daemon.addr(), .token = token});
      for (int b = 0; b < kBatches; ++b) {
        (void)mine->Call(&v1::PolicyService::Stub::BatchAuthorize, mine->policies(), batch);
      }
    });
  }
  for (auto& t : threads) t.join();
  double seconds = Micros(Clock::now() - t0) / 1e6;
  std::cout << "BatchAuthorize: " << kThreads * kBatches * 1000 / seconds
            << " decisions/s (" << kThreads << " clients x " << kBatches
            << " batches of 1,000)\n";
  daemon.Stop();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"policy engine benchmarks"};
  std::string data_dir;
  int decisions = 200000, samples = 20000;
  app.add_option("--datasets", g_datasets, "datasets in the in-process entity store");
  app.add_option("--data-dir", data_dir, "a populated catalog (from catalog_bench)");
  app.add_option("--decisions", decisions);
  app.add_option("--samples", samples);
  std::string only;
  app.add_option("--only", only, "one part: in-process, rebuild or grpc")
      ->check(CLI::IsMember({"in-process", "rebuild", "grpc"}));
  CLI11_PARSE(app, argc, argv);
  if (only.empty() || only == "in-process") InProcess(decisions);
  if (!data_dir.empty()) {
    if (only.empty() || only == "rebuild") Rebuild(data_dir);
    if (only.empty() || only == "grpc") OverGrpc(data_dir, samples);
  }
  return 0;
}

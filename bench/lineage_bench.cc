// lineage_bench: lineage at scale, against the real catalogd binary.
//
//   build/bench/lineage_bench [--datasets 100000] [--jobs 50000]
//                             [--samples 200] [--data-dir DIR]
//                             [--ingest-seconds 10]
//
// 1. Builds (once per --data-dir) a synthetic graph through the store's
//    ingest path: datasets in 20 layers; each job reads 10 neighbouring
//    datasets of one layer and writes 10 of the next, each output with a
//    4-field schema and 4 column edges (so 50,000 jobs make 1,000,000
//    dataset edges and 2,000,000 column edges). One "hub" dataset is also
//    read by 1,000 jobs spread over every layer.
// 2. Starts catalogd on it: time until the lineage graph is loaded, and
//    resident memory then.
// 3. GetLineage over gRPC: downstream depth 10 from the hub, upstream depth
//    5 from random leaves (last layer), p50/p99; against the same
//    questions asked of SQLite as recursive CTEs in the same run.
// 4. Ingestion of the 74 captured real events (copied with fresh run ids
//    and job names), through the batch RPC and the HTTP endpoint, with
//    durable commits.
#include <httplib.h>
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "bench/bench_util.h"
#include "client/client.h"
#include "lib/lineage/event.h"
#include "lib/util/strings.h"
#include "server/store/store.h"
#include "tests/daemon.h"
#include "tests/test_env.h"

namespace {

using namespace catalog;
using bench::Clock;
using bench::Millis;
using bench::Percentile;
using bench::Rss;
using LStub = v1::LineageService::Stub;
using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr int kLayers = 20;
constexpr int kFanIn = 10;
constexpr int kFanOut = 10;
constexpr int kHubReaders = 1000;
const char* kNs = "warehouse://synthetic";
constexpr int kCopiesPerCall = 7;  // of the 74 captured events: 518 per Ingest



std::string DatasetName(int layer, int i) {
  return "layer" + std::to_string(layer) + ".table_" + std::to_string(i);
}

// Job `j` of `jobs`: which layer it reads, and where in it.
std::pair<int, int> JobPlace(int j, int jobs, int width) {
  int per_layer = (jobs + kLayers - 2) / (kLayers - 1);
  int layer = j / per_layer;
  int position = static_cast<int>((static_cast<int64_t>(j % per_layer) * width) / per_layer);
  return {layer, position};
}

lineage::Event SyntheticEvent(int j, int jobs, int width) {
  auto [layer, position] = JobPlace(j, jobs, width);
  lineage::Event e;
  e.kind = lineage::EventKind::kRun;
  e.state = lineage::RunState::kComplete;
  e.event_time_ms = 1700000000000 + j;
  e.event_time = "2023-11-14T22:13:20.000Z";
  e.producer = "lineage_bench";
  char run[40];
  std::snprintf(run, sizeof(run), "00000000-0000-4000-8000-%012d", j);
  e.run_id = run;
  e.job = {"bench", "job_" + std::to_string(j)};
  for (int k = 0; k < kFanIn; ++k) {
    lineage::DatasetFacts in;
    in.key = {kNs, DatasetName(layer, (position + k) % width)};
    e.inputs.push_back(std::move(in));
  }
  // The hub is read by every (jobs / 1000)th job.
  if (j % std::max(1, jobs / kHubReaders) == 0) {
    e.inputs.push_back({.key = {kNs, "hub.dim_date"}});
  }
  for (int k = 0; k < kFanOut; ++k) {
    lineage::DatasetFacts out;
    out.key = {kNs, DatasetName(layer + 1, (position + k) % width)};
    std::vector<Field> fields;
    for (int f = 0; f < 4; ++f) fields.push_back({.name = "c" + std::to_string(f), .type = "bigint"});
    out.schema = fields;
    for (int f = 0; f < 4; ++f) {
      out.column_lineage.push_back(
          {.output_field = "c" + std::to_string(f),
           .inputs = {{.dataset = e.inputs[(k + f) % kFanIn].key,
                       .field = "c" + std::to_string(f),
                       .transformations = {{.type = "DIRECT", .subtype = "IDENTITY"}}}}});
    }
    e.outputs.push_back(std::move(out));
  }
  return e;
}


// The 74 captured events, copy `k`: fresh run ids and job names, dataset
// names shared by every 50th copy (so most events create, some update).
std::vector<std::string> RealEventsCopy(const std::vector<json>& events, int k) {
  std::vector<std::string> out;
  auto rename = [&](json& list) {
    if (!list.is_array()) return;
    for (json& d : list) d["name"] = d["name"].get<std::string>() + "-" + std::to_string(k / 50);
  };
  for (json e : events) {
    if (e.contains("run")) {
      std::string id = e["run"]["runId"];
      char run[40];
      std::snprintf(run, sizeof(run), "%08x-%04x-4%03x-8000-%012x",
                    static_cast<unsigned>(std::hash<std::string>{}(id)), k & 0xffff,
                    (k >> 16) & 0xfff, 0);
      e["run"]["runId"] = run;
    }
    if (e.contains("job")) e["job"]["name"] = e["job"]["name"].get<std::string>() + "-" + std::to_string(k);
    if (e.contains("inputs")) rename(e["inputs"]);
    if (e.contains("outputs")) rename(e["outputs"]);
    out.push_back(e.dump());
  }
  return out;
}

std::unique_ptr<client::CatalogClient> Connect(const testing::Daemon& d) {
  std::string token = testing::ReadFile(d.data_dir() / "admin.token");
  token.pop_back();
  return *client::CatalogClient::Connect(
      {.address = d.addr(), .token = token, .timeout = std::chrono::seconds(300)});
}

// Times `query` on SQLite with one bound dataset id, `samples` times.
std::vector<double> TimeCte(sqlite3* db, const char* sql, const std::vector<int64_t>& ids,
                            int depth, int64_t* rows_out) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
    std::cerr << "cte: " << sqlite3_errmsg(db) << "\n";
    return {};
  }
  std::vector<double> ms;
  for (int64_t id : ids) {
    auto t0 = Clock::now();
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int(s, 2, depth);
    int64_t rows = 0;
    while (sqlite3_step(s) == SQLITE_ROW) ++rows;
    sqlite3_reset(s);
    ms.push_back(Millis(Clock::now() - t0));
    *rows_out = rows;
  }
  sqlite3_finalize(s);
  return ms;
}

int64_t DatasetId(sqlite3* db, const std::string& name) {
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT id FROM datasets WHERE namespace = ? AND name = ?", -1, &s, nullptr);
  sqlite3_bind_text(s, 1, kNs, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, name.c_str(), -1, SQLITE_TRANSIENT);
  int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lineage benchmarks"};
  int datasets = 100000, jobs = 50000, samples = 200, ingest_seconds = 10;
  std::string data_dir;
  app.add_option("--datasets", datasets);
  app.add_option("--jobs", jobs);
  app.add_option("--samples", samples);
  app.add_option("--ingest-seconds", ingest_seconds);
  app.add_option("--data-dir", data_dir, "reuse (or create) this directory");
  CLI11_PARSE(app, argc, argv);
  const int width = datasets / kLayers;

  std::unique_ptr<testing::TempDir> temp;
  if (data_dir.empty()) {
    temp = std::make_unique<testing::TempDir>();
    data_dir = (temp->path() / "data").string();
  }
  fs::path db_path = fs::path(data_dir) / "catalog.db";
  fs::path log = fs::path(data_dir).parent_path() / "catalogd-lineage-bench.log";

  // 1. The synthetic graph, through the store's ingest path.
  if (!fs::exists(db_path)) {
    fs::create_directories(data_dir);
    auto store = store::Store::Open({.path = db_path.string()});
    if (!store.ok()) {
      std::cerr << store.status() << "\n";
      return 1;
    }
    auto t0 = Clock::now();
    for (int j = 0; j < jobs; j += 1000) {
      std::vector<lineage::Event> batch;
      for (int k = j; k < std::min(jobs, j + 1000); ++k) {
        batch.push_back(SyntheticEvent(k, jobs, width));
      }
      auto r = (*store)->IngestEvents(batch, "serviceaccount:bench");
      if (!r.ok()) {
        std::cerr << "populate: " << r.status() << "\n";
        return 1;
      }
    }
    std::cout << "populate: " << jobs << " events (" << jobs * (kFanIn + kFanOut)
              << "+ edges, " << jobs * kFanOut * 4 << " column edges) in "
              << Millis(Clock::now() - t0) / 1000 << " s through the store's ingest path\n";
  }
  std::cout << "database: " << fs::file_size(db_path) / (1024 * 1024) << " MiB\n";

  // 2. catalogd on it.
  testing::Daemon daemon(data_dir, log);
  auto t0 = Clock::now();
  if (!daemon.Start()) {
    std::cerr << daemon.log();
    return 1;
  }
  auto c = Connect(daemon);
  v1::GetLineageRequest hub;
  hub.set_node(std::string(kNs) + "/hub.dim_date");
  hub.set_direction(v1::LINEAGE_DIRECTION_DOWNSTREAM);
  hub.set_depth(10);
  absl::StatusOr<v1::LineageGraph> g;
  testing::WaitFor(
      [&] {
        g = c->Call(&LStub::GetLineage, c->lineage(), hub);
        return g.ok();
      },
      std::chrono::seconds(600));
  if (!g.ok()) {
    std::cerr << "GetLineage: " << g.status() << "\n";
    return 1;
  }
  std::cout << "start to first lineage answer: " << Millis(Clock::now() - t0) / 1000
            << " s; hub downstream depth 10: " << g->nodes_size() << " nodes, "
            << g->edges_size() << " edges, truncated=" << g->truncated() << ", "
            << g->ByteSizeLong() / 1024 << " KiB\n";
  std::cout << "catalogd memory with the graph loaded: " << Rss(daemon.pid()) << "\n";

  // 3. Queries, interleaved with the SQLite CTE baseline.
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::mt19937 rng(7);
  std::vector<std::string> leaves;
  std::vector<int64_t> leaf_ids;
  // Leaves: what jobs of the last layer write.
  int last_layer = JobPlace(jobs - 1, jobs, width).first;
  int first_of_last = jobs - 1;
  while (first_of_last > 0 && JobPlace(first_of_last - 1, jobs, width).first == last_layer) {
    --first_of_last;
  }
  for (int i = 0; i < samples; ++i) {
    int j = first_of_last + static_cast<int>(rng() % (jobs - first_of_last));
    std::string name = DatasetName(last_layer + 1,
                                   (JobPlace(j, jobs, width).second + static_cast<int>(rng() % kFanOut)) % width);
    leaves.push_back(name);
    leaf_ids.push_back(DatasetId(db, name));
  }
  std::vector<double> hub_ms, leaf_ms;
  size_t leaf_nodes = 0;
  for (int i = 0; i < samples; ++i) {
    auto a = Clock::now();
    auto r = c->Call(&LStub::GetLineage, c->lineage(), hub);
    hub_ms.push_back(Millis(Clock::now() - a));
    if (!r.ok()) {
      std::cerr << "hub GetLineage: " << r.status() << "\n";
      return 1;
    }
  }
  std::vector<double> impact_ms;
  size_t impacted = 0;
  v1::ImpactRequest impact;
  impact.set_node(hub.node());
  impact.set_depth(10);
  for (int i = 0; i < std::max(3, samples / 4); ++i) {
    auto a = Clock::now();
    auto r = c->Call(&LStub::Impact, c->lineage(), impact);
    impact_ms.push_back(Millis(Clock::now() - a));
    if (!r.ok()) {
      std::cerr << "Impact: " << r.status() << "\n";
      return 1;
    }
    impacted = r->datasets_size();
  }
  for (int i = 0; i < samples; ++i) {
    v1::GetLineageRequest up;
    up.set_node(std::string(kNs) + "/" + leaves[i]);
    up.set_direction(v1::LINEAGE_DIRECTION_UPSTREAM);
    up.set_depth(5);
    auto a = Clock::now();
    auto u = c->Call(&LStub::GetLineage, c->lineage(), up);
    leaf_ms.push_back(Millis(Clock::now() - a));
    if (!u.ok()) {
      std::cerr << "leaf GetLineage: " << u.status() << "\n";
      return 1;
    }
    leaf_nodes += u->nodes_size();
  }
  // The same questions as recursive CTEs: datasets within depth N, at most
  // 10,000 of them.
  const char* down_cte =
      "WITH RECURSIVE reach(id, depth) AS (SELECT ?1, 0 UNION SELECT o.dataset_id, "
      "r.depth + 1 FROM reach r JOIN lineage_edges i ON i.dataset_id = r.id AND "
      "i.output = 0 AND i.active = 1 JOIN lineage_edges o ON o.job_id = i.job_id AND "
      "o.output = 1 AND o.active = 1 WHERE r.depth < ?2) SELECT DISTINCT id FROM reach "
      "LIMIT 10000";
  const char* up_cte =
      "WITH RECURSIVE reach(id, depth) AS (SELECT ?1, 0 UNION SELECT i.dataset_id, "
      "r.depth + 1 FROM reach r JOIN lineage_edges o ON o.dataset_id = r.id AND "
      "o.output = 1 AND o.active = 1 JOIN lineage_edges i ON i.job_id = o.job_id AND "
      "i.output = 0 AND i.active = 1 WHERE r.depth < ?2) SELECT DISTINCT id FROM reach "
      "LIMIT 10000";
  int64_t hub_id = DatasetId(db, "hub.dim_date");
  int64_t cte_down_rows = 0, cte_up_rows = 0;
  int cte_samples = std::max(3, samples / 20);
  std::vector<double> cte_down =
      TimeCte(db, down_cte, std::vector<int64_t>(cte_samples, hub_id), 10, &cte_down_rows);
  std::vector<double> cte_up = TimeCte(db, up_cte, leaf_ids, 5, &cte_up_rows);
  sqlite3_close(db);
  std::cout << "GetLineage downstream depth 10 from the hub (" << g->nodes_size()
            << " nodes): p50 " << Percentile(hub_ms, 0.5) << " ms, p99 "
            << Percentile(hub_ms, 0.99) << " ms (" << samples << " calls)\n"
            << "  recursive CTE on SQLite, same question (" << cte_down_rows
            << " datasets): p50 " << Percentile(cte_down, 0.5) << " ms ("
            << cte_samples << " runs); ratio " << Percentile(cte_down, 0.5) / Percentile(hub_ms, 0.5)
            << "x\n"
            << "Impact depth 10 from the hub (" << impacted
            << " datasets with owners and classification): p50 " << Percentile(impact_ms, 0.5)
            << " ms, p99 " << Percentile(impact_ms, 0.99) << " ms\n"
            << "GetLineage upstream depth 5 from a leaf (mean "
            << leaf_nodes / std::max(1, samples) << " nodes): p50 " << Percentile(leaf_ms, 0.5)
            << " ms, p99 " << Percentile(leaf_ms, 0.99) << " ms\n"
            << "  recursive CTE on SQLite: p50 " << Percentile(cte_up, 0.5) << " ms; ratio "
            << Percentile(cte_up, 0.5) / Percentile(leaf_ms, 0.5) << "x\n";

  // 4. Ingestion of the captured events.
  std::vector<json> real;
  {
    std::vector<fs::path> files;
    fs::path dir = testing::SourceDir().parent_path() / "shared" / "conformance" /
                   "openlineage" / "real-events";
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.path().extension() == ".json" && e.path().parent_path().filename() == "events") {
        files.push_back(e.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) real.push_back(json::parse(testing::ReadFile(f)));
  }
  // `clients` threads for --ingest-seconds; each makes a sender with
  // make(), and a send returns the events it stored (-1: failed).
  std::atomic<int> copy{0};
  auto drive = [&](const std::string& what, int clients, auto make) {
    std::atomic<int64_t> events{0};
    std::atomic<bool> failed{false};
    auto end = Clock::now() + std::chrono::seconds(ingest_seconds);
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < clients; ++t) {
      threads.emplace_back([&] {
        auto send = make();
        while (Clock::now() < end && !failed) {
          int n = send();
          if (n < 0) failed = true;
          events += std::max(n, 0);
        }
      });
    }
    for (auto& t : threads) t.join();
    double s = Millis(Clock::now() - start) / 1000;
    std::cout << what << ", " << clients << " client(s): " << static_cast<int>(events / s)
              << " events/s (" << events << " in " << s << " s)\n";
  };
  auto rpc_sender = [&] {
    return [&, client = std::shared_ptr<client::CatalogClient>(Connect(daemon))] {
      v1::IngestRequest req;
      for (int b = 0; b < kCopiesPerCall; ++b) {
        for (std::string& e : RealEventsCopy(real, 1000000 + copy++)) req.add_events(e);
      }
      auto r = client->Call(&LStub::Ingest, client->lineage(), req);
      if (!r.ok()) std::cerr << "ingest: " << r.status() << "\n";
      return r.ok() ? req.events_size() : -1;
    };
  };
  std::string rpc = StrCat("Ingest RPC, ", kCopiesPerCall * real.size(), " events per call");
  drive(rpc, 1, rpc_sender);
  drive(rpc, 4, rpc_sender);
  std::string token = testing::ReadFile(daemon.data_dir() / "admin.token");
  token.pop_back();
  auto http_sender = [&] {
    auto http = std::make_shared<httplib::Client>("127.0.0.1", daemon.http_port());
    http->set_keep_alive(true);
    http->set_tcp_nodelay(true);
    return [&, http] {
      httplib::Headers auth = {{"Authorization", "Bearer " + token}};
      int sent = 0;
      for (const std::string& e : RealEventsCopy(real, 2000000 + copy++)) {
        auto res = http->Post("/api/v1/lineage", auth, e, "application/json");
        if (!res || res->status != 201) {
          std::cerr << "http: " << (res ? res->body : "no response") << "\n";
          return -1;
        }
        ++sent;
      }
      return sent;
    };
  };
  drive("HTTP /api/v1/lineage, one event per POST", 1, http_sender);
  drive("HTTP /api/v1/lineage, one event per POST", 8, http_sender);
  std::cout << "catalogd memory at the end: " << Rss(daemon.pid()) << "\n";
  daemon.Stop();
  return 0;
}

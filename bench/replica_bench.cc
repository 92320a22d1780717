// catalogd on PostgreSQL against catalogd on SQLite, in the same run on the
// same machine: decisions (throughput, and the PostgreSQL transactions a
// replica makes while deciding), writes (Apply and OpenLineage ingest per
// second), a second replica's apply lag under a write load at a fraction of
// the measured single-writer commit rate, and a replica's CPU per decision
// and per applied change.
//
//   replica_bench [--datasets 2000] [--seconds 5] [--rounds 3] [--load 0.5]
//
// PostgreSQL runs with fsync on (durable commits, as SQLite's
// synchronous=FULL), on a throw-away cluster in a temp directory.
#include <CLI/CLI.hpp>
#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

#include "bench/bench_util.h"
#include "client/client.h"
#include "tests/daemon.h"
#include "tests/lineage_events.h"
#include "tests/postgres.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

using bench::Clock;
using bench::Micros;
using bench::Percentile;
using client::CatalogClient;
namespace fs = std::filesystem;

constexpr int kClients = 2;

v1::Resource Dataset(const std::string& name, int owner) {
  v1::Resource r;
  v1::Dataset* d = r.mutable_dataset();
  d->mutable_key()->set_namespace_("postgres://warehouse:5432");
  d->mutable_key()->set_name(name);
  d->mutable_spec()->set_description("a dataset for the replica benchmark");
  d->mutable_spec()->add_owners()->set_principal("user:owner" + std::to_string(owner));
  for (int f = 0; f < 8; ++f) {
    v1::Field* field = d->mutable_spec()->mutable_schema()->add_fields();
    field->set_name("column_" + std::to_string(f));
    field->set_type("varchar");
  }
  return r;
}

std::string Token(const fs::path& data_dir) {
  std::string t = testing::ReadFile(data_dir / "admin.token");
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return t;
}

// User and system CPU seconds `pid` has used.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string f;
  double utime = 0, stime = 0;
  for (int i = 3; fields >> f; ++i) {
    if (i == 14) utime = std::stod(f);
    if (i == 15) {
      stime = std::stod(f);
      break;
    }
  }
  return (utime + stime) / sysconf(_SC_CLK_TCK);
}

// Transactions committed in database `db` (PostgreSQL's statistics, which
// backends flush within a second of going idle).
int64_t Transactions(testing::Postgres& pg, const std::string& db) {
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  fs::path out = fs::temp_directory_path() / "replica_bench_xacts.txt";
  std::string cmd = "PGPASSWORD='" + pg.password() + "' psql -qAt -h 127.0.0.1 -p " +
                    std::to_string(pg.port()) + " -U postgres -d postgres -c \"SELECT xact_commit + "
                    "xact_rollback FROM pg_stat_database WHERE datname = '" + db + "'\" > '" +
                    out.string() + "'";
  if (std::system(cmd.c_str()) != 0) return -1;
  return std::stoll(testing::ReadFile(out));
}

// Authorize calls a second from kClients closed-loop clients for `seconds`.
double Decisions(const std::string& addr, const std::string& token, int datasets, double seconds,
                 int64_t* calls) {
  std::atomic<int64_t> done{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      auto c = *CatalogClient::Connect({.address = addr, .token = token});
      v1::AuthorizeRequest ask;
      ask.set_action("read");
      for (int i = t; !stop; i += kClients) {
        int n = i % datasets;
        ask.set_principal("User::\"owner" + std::to_string(n % 100) + "\"");
        ask.set_resource("Dataset::\"postgres://warehouse:5432/bench.t" + std::to_string(n) +
                         "\"");
        if (c->Call(&v1::PolicyService::Stub::Authorize, c->policies(), ask).ok()) ++done;
      }
    });
  }
  auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  *calls = done;
  return done / (Micros(Clock::now() - start) / 1e6);
}

// Applies of one dataset each, a second, from one client, for `seconds`.
double Applies(CatalogClient& c, const std::string& prefix, double seconds) {
  int n = 0;
  auto start = Clock::now();
  while (Micros(Clock::now() - start) < seconds * 1e6) {
    v1::ApplyRequest req;
    *req.add_resources() = Dataset(prefix + std::to_string(n), n % 100);
    if (!c.Call(&v1::CatalogService::Stub::Apply, c.catalog(), req).ok()) return -1;
    ++n;
  }
  return n / (Micros(Clock::now() - start) / 1e6);
}

// OpenLineage RunEvents (one job, two inputs, one new output each) a
// second, one per Ingest call, from one client.
double Ingests(CatalogClient& c, const std::string& prefix, double seconds) {
  int n = 0;
  auto start = Clock::now();
  while (Micros(Clock::now() - start) < seconds * 1e6) {
    v1::IngestRequest req;
    req.add_events(testing::RunEventJson(
        "COMPLETE", "00000000-0000-4000-8000-" + std::to_string(100000000000 + n), n % 60,
        {{"bench.t1"}, {"bench.t2"}}, {{prefix + std::to_string(n)}}, prefix + "job",
        "airflow", "postgres://warehouse:5432"));
    if (!c.Call(&v1::LineageService::Stub::Ingest, c.lineage(), req).ok()) return -1;
    ++n;
  }
  return n / (Micros(Clock::now() - start) / 1e6);
}

void Populate(CatalogClient& c, int datasets) {
  for (int i = 0; i < datasets; i += 500) {
    v1::ApplyRequest req;
    for (int k = i; k < std::min(datasets, i + 500); ++k) {
      *req.add_resources() = Dataset("bench.t" + std::to_string(k), k % 100);
    }
    auto r = c.Call(&v1::CatalogService::Stub::Apply, c.catalog(), req);
    if (!r.ok()) {
      std::cerr << "populate: " << r.status() << "\n";
      std::exit(1);
    }
  }
}

}  // namespace
}  // namespace catalog

int main(int argc, char** argv) {
  using namespace catalog;
  CLI::App app{"catalogd replicas on PostgreSQL against SQLite"};
  int datasets = 2000, rounds = 3;
  double seconds = 5, load = 0.5;
  app.add_option("--datasets", datasets);
  app.add_option("--seconds", seconds, "length of each measured phase");
  app.add_option("--rounds", rounds, "alternating rounds of each measurement (medians)");
  app.add_option("--load", load, "the lag phase's write rate, as a fraction of the commit rate");
  CLI11_PARSE(app, argc, argv);

  testing::TempDir dir;
  testing::Postgres pg;
  pg.set_durable(true);
  if (!pg.Start()) {
    std::cerr << pg.error() << "\n";
    return 1;
  }
  setenv("PGPASSWORD", pg.password().c_str(), 1);
  if (!pg.Exec("CREATE DATABASE catalog").ok()) return 1;

  testing::Daemon lite(dir.path() / "lite", dir.path() / "lite.log");
  testing::Daemon a(dir.path() / "a", dir.path() / "a.log", {"--store", pg.Url("catalog")});
  testing::Daemon b(dir.path() / "b", dir.path() / "b.log", {"--store", pg.Url("catalog")});
  for (testing::Daemon* d : {&lite, &a, &b}) {
    if (!d->Start()) {
      std::cerr << d->log();
      return 1;
    }
  }
  const std::string lite_token = Token(lite.data_dir()), pg_token = Token(a.data_dir());
  auto lc = *CatalogClient::Connect({.address = lite.addr(), .token = lite_token});
  auto ac = *CatalogClient::Connect({.address = a.addr(), .token = pg_token});
  auto bc = *CatalogClient::Connect({.address = b.addr(), .token = pg_token});
  Populate(*lc, datasets);
  Populate(*ac, datasets);
  std::string sync;
  (void)ac->Call(&v1::CatalogService::Stub::Ping, ac->catalog(), {}, &sync);
  (void)bc->Call(&v1::CatalogService::Stub::Ping, bc->catalog(), {}, &sync);
  std::cout << "populated " << datasets << " datasets (8 fields, an owner) in each store\n";

  // Decisions: SQLite's catalogd and a PostgreSQL replica, alternating.
  std::vector<double> lite_rates, pg_rates;
  int64_t pg_calls = 0, pg_decisions = 0;
  double b_cpu = 0;
  for (int r = 0; r < rounds; ++r) {
    int64_t calls = 0;
    lite_rates.push_back(Decisions(lite.addr(), lite_token, datasets, seconds, &calls));
    int64_t before = Transactions(pg, "catalog");
    double cpu = CpuSeconds(b.pid());
    pg_rates.push_back(Decisions(b.addr(), pg_token, datasets, seconds, &calls));
    b_cpu += CpuSeconds(b.pid()) - cpu;
    pg_decisions += calls;
    pg_calls += Transactions(pg, "catalog") - before;
  }
  double lite_rate = Percentile(lite_rates, 0.5), pg_rate = Percentile(pg_rates, 0.5);
  std::cout << "Authorize, " << kClients << " clients: SQLite catalogd " << lite_rate
            << "/s, PostgreSQL replica " << pg_rate << "/s (median of " << rounds
            << "): " << 100 * pg_rate / lite_rate << "%\n"
            << "  PostgreSQL transactions during the replica's " << pg_decisions
            << " decisions: " << pg_calls << " (the change feed's poll and the leader's "
            << "check, not decisions)\n"
            << "  replica CPU per decision (server side, with gRPC): "
            << 1e6 * b_cpu / std::max<int64_t>(1, pg_decisions) << " us\n";

  // Writes: one client, each call one dataset or one event.
  std::vector<double> lite_apply, pg_apply, lite_ingest, pg_ingest;
  for (int r = 0; r < rounds; ++r) {
    std::string p = "w" + std::to_string(r) + ".";
    lite_apply.push_back(Applies(*lc, p + "apply.", seconds));
    pg_apply.push_back(Applies(*ac, p + "apply.", seconds));
    lite_ingest.push_back(Ingests(*lc, p + "ingest.", seconds));
    pg_ingest.push_back(Ingests(*ac, p + "ingest.", seconds));
  }
  double commit_rate = Percentile(pg_apply, 0.5);
  std::cout << "Apply (1 dataset a call): SQLite " << Percentile(lite_apply, 0.5)
            << "/s, PostgreSQL " << commit_rate << "/s\n"
            << "OpenLineage Ingest (1 event a call): SQLite " << Percentile(lite_ingest, 0.5)
            << "/s, PostgreSQL " << Percentile(pg_ingest, 0.5) << "/s\n";

  // Lag: writes on A paced at `load` of the commit rate; B answers a call
  // carrying each write's consistency token once it applied it.
  const double rate = load * commit_rate;
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  std::vector<double> lag_ms;
  double cpu_before = CpuSeconds(b.pid());
  int writes = 0;
  auto start = Clock::now();
  auto next = start;
  while (Micros(Clock::now() - start) < seconds * 1e6) {
    std::this_thread::sleep_until(next);
    next += std::chrono::duration_cast<Clock::duration>(interval);
    v1::ApplyRequest req;
    *req.add_resources() = Dataset("lag." + std::to_string(writes++), 1);
    std::string token;
    if (!ac->Call(&v1::CatalogService::Stub::Apply, ac->catalog(), req, &token).ok()) break;
    auto acked = Clock::now();
    if (!bc->Call(&v1::CatalogService::Stub::Ping, bc->catalog(), {}, &token).ok()) break;
    lag_ms.push_back(Micros(Clock::now() - acked) / 1e3);
  }
  double b_change_cpu = CpuSeconds(b.pid()) - cpu_before;
  std::cout << "replica apply lag at " << rate << " writes/s (" << load
            << " of the commit rate), " << lag_ms.size() << " writes: p50 "
            << Percentile(lag_ms, 0.5) << " ms, p99 " << Percentile(lag_ms, 0.99)
            << " ms (ack on A to an answer on B that waited for it)\n"
            << "  replica CPU per applied change (with one Ping each): "
            << 1e6 * b_change_cpu / std::max<size_t>(1, lag_ms.size()) << " us\n";
  for (testing::Daemon* d : {&lite, &a, &b}) d->Stop();
  return 0;
}

// catalog-load: a mixed workload against a real catalogd, from N concurrent
// clients driven by an asynchronous gRPC client (one completion queue, one
// call in flight per client), for a bounded time.
//
//   build/bench/catalog-load [--clients 64] [--seconds 600] [--datasets 2000]
//                            [--rate CALLS_PER_S] [--server-arg=--flag=value ...]
//
// Without --rate each client sends its next call as soon as the last one
// answers (closed loop: the server's saturation throughput, where latency
// is mostly queueing). With --rate the clients together offer that many
// calls per second on a fixed schedule (open loop), and a call's latency
// counts from when it was due, so a slow answer that delays the next call
// is charged to that call too (no coordinated omission).
//
// The mix, per call: 70% Authorize, 12% GetDataset, 6% SearchDatasets,
// 6% Apply (one dataset, from a fixed pool), 6% Ingest (one OpenLineage
// event). Reports per
// call type: calls, throughput, p50/p99/p999 latency and errors by code;
// catalogd's memory and open files at the start and the end; and whether
// the audit log holds exactly one event per acknowledged write.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <queue>
#include <random>
#include <thread>

#include "bench/bench_util.h"
#include "client/client.h"
#include "tests/daemon.h"
#include "tests/lineage_events.h"
#include "tests/test_env.h"

namespace {

using namespace catalog;
using bench::Clock;

enum Kind { kAuthorize, kGet, kSearch, kApply, kIngest, kKinds };
const char* kNames[] = {"Authorize", "GetDataset", "SearchDatasets", "Apply", "Ingest"};

struct Stats {
  std::vector<double> micros;
  std::map<std::string, int64_t> errors;  // by status code
  int64_t ok = 0;
};

int OpenFiles(pid_t pid) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(
           "/proc/" + std::to_string(pid) + "/fd")) {
    (void)e;
    ++n;
  }
  return n;
}

std::string DatasetName(int i) { return "load.table_" + std::to_string(i); }

// One call: what it is, when it was due, where its answer goes.
struct Call {
  Kind kind;
  int client;
  Clock::time_point start;
  grpc::ClientContext context;
  grpc::Status status;
  v1::AuthorizeResponse authorize;
  v1::Dataset dataset;
  v1::SearchResponse search;
  v1::ApplyResponse apply;
  v1::IngestResponse ingest;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::AuthorizeResponse>> r1;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::Dataset>> r2;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::SearchResponse>> r3;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::ApplyResponse>> r4;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::IngestResponse>> r5;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"catalog-load: a mixed workload from N async clients"};
  int clients = 64, seconds = 600, datasets = 2000;
  double rate = 0;
  app.add_option("--clients", clients)->check(CLI::PositiveNumber);
  app.add_option("--seconds", seconds)->check(CLI::PositiveNumber);
  app.add_option("--datasets", datasets, "datasets created before the run")
      ->check(CLI::PositiveNumber);
  app.add_option("--rate", rate, "calls per second offered by all clients together "
                                 "(open loop); 0: each client calls back to back")
      ->check(CLI::NonNegativeNumber);
  std::vector<std::string> server_args;
  app.add_option("--server-arg", server_args,
                 "passed to catalogd, e.g. --server-arg=--audit-decisions=all");
  CLI11_PARSE(app, argc, argv);

  testing::TempDir dir;
  testing::Daemon daemon(dir.path() / "data", dir.path() / "catalogd.log", server_args);
  if (!daemon.Start()) {
    std::cerr << daemon.log();
    return 1;
  }
  std::string admin = testing::ReadFile(dir.path() / "data" / "admin.token");
  admin.pop_back();
  auto setup = *client::CatalogClient::Connect({.address = daemon.addr(), .token = admin});
  // Seed: a pipeline service account and `datasets` datasets owned by a user.
  {
    v1::ApplyRequest req;
    v1::Principal* p = req.add_resources()->mutable_principal();
    p->set_kind(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT);
    p->set_name("loader");
    for (int i = 0; i < datasets; ++i) {
      v1::Dataset* d = req.add_resources()->mutable_dataset();
      d->mutable_key()->set_namespace_("pg");
      d->mutable_key()->set_name(DatasetName(i));
      d->mutable_spec()->set_description("seeded for the load run");
      v1::Owner* o = d->mutable_spec()->add_owners();
      o->set_principal("user:owner" + std::to_string(i % 50));
      o->set_type(v1::OWNERSHIP_TYPE_TECHNICAL);
      auto* f = d->mutable_spec()->mutable_schema()->add_fields();
      f->set_name("id");
      f->set_type("bigint");
    }
    auto r = setup->Call(&v1::CatalogService::Stub::Apply, setup->catalog(), req);
    if (!r.ok()) {
      std::cerr << "seed: " << r.status() << "\n";
      return 1;
    }
  }
  v1::CreateTokenRequest token_req;
  token_req.set_principal("serviceaccount:loader");
  std::string loader = setup->Call(&v1::TokenService::Stub::CreateToken,
                                   setup->tokens(), token_req)->secret();
  auto audit_before = setup->Call(&v1::AuditService::Stub::VerifyAudit, setup->audit(),
                                  v1::VerifyAuditRequest());
  int64_t seq_before = audit_before->head_seq();

  std::string start_rss = bench::Rss(daemon.pid());
  int start_fds = OpenFiles(daemon.pid());

  auto channel = grpc::CreateChannel(daemon.addr(), grpc::InsecureChannelCredentials());
  auto catalog_stub = v1::CatalogService::NewStub(channel);
  auto policy_stub = v1::PolicyService::NewStub(channel);
  auto lineage_stub = v1::LineageService::NewStub(channel);
  grpc::CompletionQueue cq;
  std::vector<std::mt19937> rng;
  for (int c = 0; c < clients; ++c) rng.emplace_back(1000 + c);
  // Applies write a pool of `datasets` further datasets, round and round:
  // the first pass creates them, later ones update them (each with a new
  // description, so every apply is a change), so the catalog stops growing
  // and memory can settle.
  std::atomic<int> next_write{0};
  std::atomic<int> acked_applies{0}, acked_ingests{0};
  auto deadline = Clock::now() + std::chrono::seconds(seconds);

  // Sends `call` now; its latency counts from call->start.
  auto send = [&](Call* call) {
    int client = call->client;
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    call->context.AddMetadata("authorization",
                              "Bearer " + (call->kind == kIngest ? loader : admin));
    int i = static_cast<int>(rng[client]() % datasets);
    switch (call->kind) {
      case kAuthorize: {
        v1::AuthorizeRequest req;
        req.set_principal("User::\"owner" + std::to_string(rng[client]() % 60) + "\"");
        req.set_action(rng[client]() % 2 ? "read" : "write");
        req.set_resource("Dataset::\"pg/" + DatasetName(i) + "\"");
        call->r1 = policy_stub->PrepareAsyncAuthorize(&call->context, req, &cq);
        call->r1->StartCall();
        call->r1->Finish(&call->authorize, &call->status, call);
        break;
      }
      case kGet: {
        v1::GetDatasetRequest req;
        req.mutable_key()->set_namespace_("pg");
        req.mutable_key()->set_name(DatasetName(i));
        call->r2 = catalog_stub->PrepareAsyncGetDataset(&call->context, req, &cq);
        call->r2->StartCall();
        call->r2->Finish(&call->dataset, &call->status, call);
        break;
      }
      case kSearch: {
        v1::SearchRequest req;
        req.set_query("table_" + std::to_string(i % 100));
        req.set_page_size(20);
        call->r3 = catalog_stub->PrepareAsyncSearchDatasets(&call->context, req, &cq);
        call->r3->StartCall();
        call->r3->Finish(&call->search, &call->status, call);
        break;
      }
      case kApply: {
        v1::ApplyRequest req;
        v1::Dataset* d = req.add_resources()->mutable_dataset();
        d->mutable_key()->set_namespace_("pg");
        int n = next_write++;
        d->mutable_key()->set_name(DatasetName(datasets + n % datasets));
        d->mutable_spec()->set_description("written under load, #" + std::to_string(n));
        call->r4 = catalog_stub->PrepareAsyncApply(&call->context, req, &cq);
        call->r4->StartCall();
        call->r4->Finish(&call->apply, &call->status, call);
        break;
      }
      default: {
        v1::IngestRequest req;
        std::string run = "00000000-0000-0000-0000-" +
                          std::string(12 - std::to_string(i).size(), '0') + std::to_string(i);
        req.add_events(testing::RunEventJson("COMPLETE", run, i % 60,
                                             {{DatasetName(i)}},
                                             {{DatasetName((i + 1) % datasets)}},
                                             "job_" + std::to_string(i % 200), "load", "pg"));
        call->r5 = lineage_stub->PrepareAsyncIngest(&call->context, req, &cq);
        call->r5->StartCall();
        call->r5->Finish(&call->ingest, &call->status, call);
      }
    }
  };
  // Open loop: calls due later wait here, earliest first, for a thread that
  // sleeps until each is due and sends it (gRPC's own timers are too coarse:
  // about a millisecond late).
  auto later = [](const Call* a, const Call* b) { return a->start > b->start; };
  std::priority_queue<Call*, std::vector<Call*>, decltype(later)> waiting(later);
  std::mutex waiting_mu;
  std::condition_variable waiting_cv;
  bool done = false;
  std::thread scheduler([&] {
    std::unique_lock lock(waiting_mu);
    while (!done) {
      if (waiting.empty()) {
        waiting_cv.wait(lock);
      } else if (waiting.top()->start > Clock::now()) {
        waiting_cv.wait_until(lock, waiting.top()->start);
      } else {
        Call* call = waiting.top();
        waiting.pop();
        lock.unlock();
        send(call);
        lock.lock();
      }
    }
  });
  // The client's next call, due at `due`: sent at once if that has passed,
  // else by the scheduler.
  auto issue = [&](int client, Clock::time_point due) {
    auto* call = new Call();
    uint32_t roll = rng[client]() % 100;
    call->kind = roll < 70 ? kAuthorize : roll < 82 ? kGet : roll < 88 ? kSearch
               : roll < 94 ? kApply : kIngest;
    call->client = client;
    call->start = due;
    Clock::time_point now = Clock::now();
    if (due <= now) {
      send(call);
    } else {
      std::lock_guard lock(waiting_mu);
      waiting.push(call);
      waiting_cv.notify_one();
    }
  };
  // Open loop: each client calls every `period`, staggered across clients.
  auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(rate > 0 ? clients / rate : 0));

  // Catalogd's memory, threads and open files, sampled ten times in the run.
  struct Sample {
    double at_s;
    long rss_kb, anon_kb, threads;
    int fds;
    double cpu_s;  // catalogd's CPU time so far
  };
  std::vector<Sample> samples;
  std::mutex samples_mu;
  std::atomic<bool> sampling{true};
  std::thread sampler([&] {
    auto t0 = Clock::now();
    auto take = [&] {
      std::lock_guard lock(samples_mu);
      samples.push_back({std::chrono::duration<double>(Clock::now() - t0).count(),
                         bench::StatusField(daemon.pid(), "VmRSS:"),
                         bench::StatusField(daemon.pid(), "RssAnon:"),
                         bench::StatusField(daemon.pid(), "Threads:"),
                         OpenFiles(daemon.pid()), bench::CpuSeconds(daemon.pid())});
    };
    take();
    for (int k = 1; k <= 10 && sampling; ++k) {
      auto next = t0 + std::chrono::milliseconds(seconds * 100 * k);
      while (sampling && Clock::now() < next) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (sampling) take();
    }
  });

  std::vector<Stats> stats(kKinds);
  Clock::time_point began = Clock::now();
  for (int c = 0; c < clients; ++c) issue(c, began + period * c / clients);
  int in_flight = clients;
  void* tag;
  bool ok;
  while (in_flight > 0 && cq.Next(&tag, &ok)) {
    std::unique_ptr<Call> call(static_cast<Call*>(tag));
    Stats& s = stats[call->kind];
    s.micros.push_back(bench::Micros(Clock::now() - call->start));
    if (call->status.ok()) {
      ++s.ok;
      if (call->kind == kApply) ++acked_applies;
      if (call->kind == kIngest) ++acked_ingests;
    } else {
      ++s.errors[std::to_string(call->status.error_code()) + " " +
                 call->status.error_message().substr(0, 60)];
    }
    Clock::time_point due = rate > 0 ? call->start + period : Clock::now();
    if (due < deadline) {
      issue(call->client, due);
    } else {
      --in_flight;
    }
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - began).count();
  {
    std::lock_guard lock(waiting_mu);
    done = true;
  }
  waiting_cv.notify_one();
  scheduler.join();
  sampling = false;
  sampler.join();

  if (rate > 0) {
    std::printf("%d clients offering %.0f calls/s (open loop), %.0f s, catalogd pid %d\n\n",
                clients, rate, elapsed, daemon.pid());
  } else {
    std::printf("%d clients back to back (closed loop), %.0f s, catalogd pid %d\n\n",
                clients, elapsed, daemon.pid());
  }
  std::printf("%-15s %10s %10s %10s %10s %10s %8s\n", "call", "calls", "per s",
              "p50 ms", "p99 ms", "p999 ms", "errors");
  int64_t unexpected = 0;
  for (int k = 0; k < kKinds; ++k) {
    Stats& s = stats[k];
    int64_t errors = 0;
    for (const auto& [code, n] : s.errors) errors += n;
    unexpected += errors;
    std::printf("%-15s %10zu %10.0f %10.2f %10.2f %10.2f %8lld\n", kNames[k],
                s.micros.size(), s.micros.size() / elapsed,
                bench::Percentile(s.micros, 0.5) / 1000,
                bench::Percentile(s.micros, 0.99) / 1000,
                bench::Percentile(s.micros, 0.999) / 1000,
                static_cast<long long>(errors));
    for (const auto& [code, n] : s.errors) {
      std::printf("    %lld x %s\n", static_cast<long long>(n), code.c_str());
    }
  }
  std::printf("\ncatalogd at start: %s; %d open files\n", start_rss.c_str(), start_fds);
  std::printf("catalogd at end:   %s; %d open files\n", bench::Rss(daemon.pid()).c_str(),
              OpenFiles(daemon.pid()));
  std::printf("\n%8s %10s %10s %8s %6s %12s\n", "at s", "RSS MB", "anon MB", "threads",
              "fds", "catalogd CPU");
  for (size_t k = 0; k < samples.size(); ++k) {
    const Sample& m = samples[k];
    double busy = k == 0 ? 0
                         : (m.cpu_s - samples[k - 1].cpu_s) / (m.at_s - samples[k - 1].at_s);
    std::printf("%8.0f %10.1f %10.1f %8ld %6d %11.0f%%\n", m.at_s, m.rss_kb / 1024.0,
                m.anon_kb / 1024.0, m.threads, m.fds, busy * 100);
  }

  // One audit event per acknowledged write.
  int64_t creates = 0, ingests = 0;
  v1::ListAuditEventsRequest list;
  list.set_after_seq(seq_before);
  list.set_page_size(1000);
  while (true) {
    auto page = setup->Call(&v1::AuditService::Stub::ListAuditEvents, setup->audit(), list);
    if (!page.ok()) break;
    for (const auto& e : page->events()) {
      if (e.actor() == "user:admin" &&
          (e.action() == "dataset.create" || e.action() == "dataset.update")) {
        ++creates;
      }
      if (e.action() == "lineage.ingest" && e.target_kind() == "Job") ++ingests;
    }
    if (page->events_size() < 1000) break;
    list.set_after_seq(page->last_seq());
  }
  auto verified = setup->Call(&v1::AuditService::Stub::VerifyAudit, setup->audit(),
                              v1::VerifyAuditRequest());
  std::printf("audit: %lld dataset.create/update events for %d acknowledged applies; "
              "%lld lineage.ingest events for %d acknowledged ingests; chain %s\n",
              static_cast<long long>(creates), acked_applies.load(),
              static_cast<long long>(ingests), acked_ingests.load(),
              verified.ok() && verified->ok() ? "intact" : "BROKEN");
  daemon.Stop();
  bool pass = unexpected == 0 && creates == acked_applies && ingests == acked_ingests &&
              verified.ok() && verified->ok();
  std::printf("%s\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}

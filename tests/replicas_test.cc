// catalogd replicas on one PostgreSQL: real catalogd processes sharing a
// throw-away database, driven through gRPC as pipelines would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <httplib.h>
#include <sys/wait.h>

#include "client/client.h"
#include "tests/daemon.h"
#include "tests/postgres.h"
#include "tests/store_engines.h"
#include "tests/test_env.h"
#include "tests/webhook_receiver.h"

namespace catalog {
namespace {

namespace fs = std::filesystem;
using client::CatalogClient;
using ::testing::HasSubstr;

v1::Resource Dataset(const std::string& name, const std::string& owner) {
  v1::Resource r;
  v1::Dataset* d = r.mutable_dataset();
  d->mutable_key()->set_namespace_("pg://db");
  d->mutable_key()->set_name(name);
  v1::Owner* o = d->mutable_spec()->add_owners();
  o->set_principal(owner);
  return r;
}

v1::ApplyRequest ApplyOf(const v1::Resource& r) {
  v1::ApplyRequest req;
  *req.add_resources() = r;
  return req;
}

v1::AuthorizeRequest MayRead(const std::string& user, const std::string& dataset) {
  v1::AuthorizeRequest ask;
  ask.set_principal("User::\"" + user + "\"");
  ask.set_action("read");
  ask.set_resource("Dataset::\"pg://db/" + dataset + "\"");
  return ask;
}


// Every dataset name the catalog holds, through `c`.
std::set<std::string> DatasetNames(CatalogClient& c) {
  std::set<std::string> names;
  v1::ListDatasetsRequest list;
  list.set_page_size(1000);
  while (true) {
    auto page = c.Call(&v1::CatalogService::Stub::ListDatasets, c.catalog(), list);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    for (const auto& d : page->datasets()) names.insert(d.key().name());
    if (page->next_page_token().empty()) break;
    list.set_page_token(page->next_page_token());
  }
  return names;
}

// The targets of every dataset.create audit event.
std::set<std::string> CreatedInAudit(CatalogClient& c) {
  std::set<std::string> targets;
  v1::ListAuditEventsRequest req;
  req.set_action("dataset.create");
  req.set_page_size(1000);
  while (true) {
    auto page = c.Call(&v1::AuditService::Stub::ListAuditEvents, c.audit(), req);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok() || page->events().empty()) break;
    for (const auto& e : page->events()) targets.insert(e.target());
    req.set_after_seq(page->events(page->events_size() - 1).seq());
  }
  return targets;
}

// Writers on each of `clients` until `stop`, recording what was
// acknowledged and how the rest failed.
struct WriteLoad {
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::map<absl::StatusCode, int> failures;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;

  void Start(const std::vector<CatalogClient*>& clients, const std::string& prefix) {
    for (size_t i = 0; i < clients.size(); ++i) {
      threads.emplace_back([this, c = clients[i], i, prefix] {
        for (int n = 0; !stop; ++n) {
          std::string name = prefix + std::to_string(i) + "-" + std::to_string(n);
          auto r = c->Call(&v1::CatalogService::Stub::Apply, c->catalog(),
                           ApplyOf(Dataset(name, "user:writer")));
          std::lock_guard lock(mu);
          if (r.ok()) {
            acknowledged.push_back(name);
          } else {
            ++failures[r.status().code()];
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }
      });
    }
  }
  void Stop() {
    stop = true;
    for (auto& t : threads) t.join();
  }
};

class Replicas : public ::testing::Test {
 protected:
  // Starts `n` replicas on the database, all at once.
  void StartReplicas(int n, const std::vector<std::string>& extra = {}) {
    std::vector<std::thread> starting;
    for (int i = 0; i < n; ++i) {
      std::vector<std::string> args{"--store", db_.Options().postgres};
      args.insert(args.end(), extra.begin(), extra.end());
      daemons_.push_back(std::make_unique<testing::Daemon>(
          dir_.path() / ("r" + std::to_string(i)),
          dir_.path() / ("r" + std::to_string(i) + ".log"), args));
    }
    std::vector<char> up(n);
    for (int i = 0; i < n; ++i) {
      starting.emplace_back([&, i] { up[i] = daemons_[i]->Start(); });
    }
    for (auto& t : starting) t.join();
    for (int i = 0; i < n; ++i) ASSERT_TRUE(up[i]) << daemons_[i]->log();
  }

  // The admin token, from the one data directory it was written to.
  std::string AdminToken() const {
    for (const auto& d : daemons_) {
      fs::path p = d->data_dir() / "admin.token";
      if (fs::exists(p)) {
        std::string t = testing::ReadFile(p);
        while (!t.empty() && t.back() == '\n') t.pop_back();
        return t;
      }
    }
    return "";
  }

  std::unique_ptr<CatalogClient> Client(int replica, const std::string& token = "") {
    auto c = CatalogClient::Connect({.address = daemons_[replica]->addr(),
                                     .token = token.empty() ? AdminToken() : token,
                                     .timeout = std::chrono::seconds(10)});
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }

  testing::TempDir dir_;
  testing::TestDatabase db_{testing::Engine::kPostgres};
  std::vector<std::unique_ptr<testing::Daemon>> daemons_;
};

// The first catalogd to meet the empty database migrates and seeds it and
// writes the admin token to its own data directory; the others wait for
// that and seed nothing.
TEST_F(Replicas, ThreeStartedTogetherOnAnEmptyDatabaseSeedItOnce) {
  StartReplicas(3);
  int tokens = 0;
  for (const auto& d : daemons_) {
    tokens += fs::exists(d->data_dir() / "admin.token") ? 1 : 0;
    // Nothing but what is the replica's own.
    EXPECT_FALSE(fs::exists(d->data_dir() / "catalog.db"));
  }
  EXPECT_EQ(tokens, 1);
  for (int i = 0; i < 3; ++i) {
    auto c = Client(i);
    ASSERT_NE(c, nullptr);
    auto versions = c->Call(&v1::PolicyService::Stub::ListPolicyVersions, c->policies(),
                            v1::ListPolicyVersionsRequest());
    ASSERT_TRUE(versions.ok()) << "replica " << i << ": " << versions.status();
    EXPECT_EQ(versions->versions_size(), 1) << "replica " << i;
  }
  v1::ListAuditEventsRequest puts;
  puts.set_action("policy.put");
  auto c = Client(2);
  auto events = c->Call(&v1::AuditService::Stub::ListAuditEvents, c->audit(), puts);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->events_size(), 1);
}

// A write on one replica, then a decision that depends on it on another,
// with the write's consistency token: never the answer from before it.
TEST_F(Replicas, ReadYourWritesThroughATokenOnEveryOtherReplica) {
  StartReplicas(3);
  std::vector<std::unique_ptr<CatalogClient>> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(Client(i));
  // A concurrent write load on every replica.
  std::atomic<bool> stop{false};
  std::atomic<int> load_writes{0};
  std::vector<std::thread> load;
  for (int i = 0; i < 3; ++i) {
    load.emplace_back([&, i] {
      for (int n = 0; !stop; ++n) {
        auto r = clients[i]->Call(&v1::CatalogService::Stub::Apply, clients[i]->catalog(),
                                  ApplyOf(Dataset("load-" + std::to_string(i) + "-" +
                                                      std::to_string(n),
                                                  "user:loader")));
        if (r.ok()) ++load_writes;
      }
    });
  }
  int stale = 0, retried = 0;
  constexpr int kRounds = 1000;
  for (int i = 0; i < kRounds; ++i) {
    const int writer = i % 3, reader = (i + 1 + (i / 3) % 2) % 3;
    const std::string name = "ryw-" + std::to_string(i), owner = "u" + std::to_string(i);
    std::string token;
    auto w = clients[writer]->Call(&v1::CatalogService::Stub::Apply, clients[writer]->catalog(),
                                   ApplyOf(Dataset(name, "user:" + owner)), &token);
    ASSERT_TRUE(w.ok()) << w.status();
    ASSERT_FALSE(token.empty());
    while (true) {
      std::string sent = token;
      auto d = clients[reader]->Call(&v1::PolicyService::Stub::Authorize,
                                     clients[reader]->policies(), MayRead(owner, name), &sent);
      if (!d.ok() && d.status().code() == absl::StatusCode::kUnavailable) {
        ++retried;
        continue;
      }
      ASSERT_TRUE(d.ok()) << d.status();
      if (d->decision() != v1::DECISION_ALLOW) ++stale;
      EXPECT_GE(d->revision(), w->catalog_revision());
      break;
    }
  }
  stop = true;
  for (auto& t : load) t.join();
  EXPECT_EQ(stale, 0);
  EXPECT_GT(load_writes.load(), 0);
  std::cout << kRounds << " reads after writes on another replica: " << stale << " stale, "
            << retried << " retried (UNAVAILABLE); " << load_writes << " concurrent writes\n";
}

// A permission revoked through replica A is refused by replica B for every
// request that carries the revocation's revision.
TEST_F(Replicas, ARevocationOnOneReplicaIsHonouredOnAnother) {
  StartReplicas(2);
  auto a = Client(0), b = Client(1);
  ASSERT_TRUE(a->Call(&v1::CatalogService::Stub::Apply, a->catalog(),
                      ApplyOf(Dataset("orders", "user:alice")))
                  .ok());
  std::string token;
  auto before = b->Call(&v1::PolicyService::Stub::Authorize, b->policies(),
                        MayRead("alice", "orders"), &token);
  // Alice loses ownership on A.
  v1::Resource revoked = Dataset("orders", "user:bob");
  std::string revoke_token;
  auto w = a->Call(&v1::CatalogService::Stub::Apply, a->catalog(), ApplyOf(revoked), &revoke_token);
  ASSERT_TRUE(w.ok()) << w.status();
  int allows = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string sent = revoke_token;
    v1::AuthorizeRequest ask = MayRead("alice", "orders");
    if (i % 2 == 1) {
      // The same through min_revision, without the token.
      sent.clear();
      ask.set_min_revision(w->catalog_revision());
    }
    auto d = b->Call(&v1::PolicyService::Stub::Authorize, b->policies(), ask, &sent);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_GE(d->revision(), w->catalog_revision());
    if (d->decision() == v1::DECISION_ALLOW) ++allows;
  }
  EXPECT_EQ(allows, 0);
  // A bearer token revoked on A is refused on B by a call carrying the
  // revocation's consistency token, though B's table had it a moment ago.
  v1::CreateTokenRequest create;
  create.set_principal("user:carol");
  // Its first call on B carries the creation's token: B may not have
  // applied the creation yet.
  std::string carol_token;
  auto issued =
      a->Call(&v1::TokenService::Stub::CreateToken, a->tokens(), create, &carol_token);
  ASSERT_TRUE(issued.ok());
  auto carol = Client(1, issued->secret());
  ASSERT_TRUE(carol->Call(&v1::CatalogService::Stub::ListDatasets, carol->catalog(),
                          v1::ListDatasetsRequest(), &carol_token)
                  .ok());
  v1::RevokeTokenRequest revoke;
  revoke.set_id(issued->token().id());
  std::string after_revoke;
  ASSERT_TRUE(
      a->Call(&v1::TokenService::Stub::RevokeToken, a->tokens(), revoke, &after_revoke).ok());
  auto refused = carol->Call(&v1::CatalogService::Stub::ListDatasets, carol->catalog(),
                             v1::ListDatasetsRequest(), &after_revoke);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  // The denies B decided are in the one audit chain, between the writes
  // both replicas made, and it verifies from A.
  v1::ListAuditEventsRequest denies;
  denies.set_decision("deny");
  denies.set_page_size(1000);
  ASSERT_TRUE(testing::WaitFor([&] {
    auto listed = a->Call(&v1::AuditService::Stub::ListAuditEvents, a->audit(), denies);
    return listed.ok() && listed->events_size() >= 1000;
  }));
  auto verified = a->Call(&v1::AuditService::Stub::VerifyAudit, a->audit(), v1::VerifyAuditRequest());
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->ok()) << verified->problem();
}

// A token from another store is refused, and a garbled one is invalid.
// A webhook made on one replica, an incident found by a write on another:
// the delivery is queued with the write and sent once, signed with the
// secret the first replica sealed, by whichever replica leads — they share
// one secrets key.
TEST_F(Replicas, AWebhookIsSentOnceByTheLeaderWhicheverReplicaWrote) {
  testing::Receiver receiver;
  const fs::path key = dir_.path() / "secrets.key";
  testing::WriteFile(key, "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n");
  fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write);
  const fs::path config = dir_.path() / "catalogd.yaml";
  testing::WriteFile(config, "webhook-allow: 127.0.0.1\nsecrets-key-file: " + key.string() + "\n");
  StartReplicas(2, {"--config", config.string()});
  auto first = Client(0);
  auto second = Client(1);
  v1::ApplyRequest apply;
  v1::Dataset* d = apply.add_resources()->mutable_dataset();
  d->mutable_key()->set_namespace_("pg");
  d->mutable_key()->set_name("orders");
  auto applied = first->Call(&v1::CatalogService::Stub::Apply, first->catalog(), apply);
  ASSERT_TRUE(applied.ok()) << applied.status();
  v1::CreateWebhookRequest create;
  create.set_name("orders-alerts");
  create.set_url(receiver.url());
  *create.mutable_dataset() = d->key();
  auto made = first->Call(&v1::WebhookService::Stub::CreateWebhook, first->webhooks(), create);
  ASSERT_TRUE(made.ok()) << made.status();
  v1::IngestRequest failing;
  failing.add_events(R"({"eventTime": "2026-12-01T10:00:00Z", "producer": "https://example.com/t",
      "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
      "dataset": {"namespace": "pg", "name": "orders", "facets": {"dataQualityAssertions":
        {"assertions": [{"assertion": "not_null", "success": false, "column": "id"}]}}}})");
  auto ingested = second->Call(&v1::LineageService::Stub::Ingest, second->lineage(), failing);
  ASSERT_TRUE(ingested.ok()) << ingested.status();
  std::vector<testing::Receiver::Request> got = receiver.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event, "incident.opened");
  EXPECT_TRUE(testing::Signed(got[0].signature, made->secret(), got[0].body));
  // Once: the other replica does not send it too.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(receiver.received().size(), 1u);
}

TEST_F(Replicas, ATokenFromAnotherStoreIsRefused) {
  StartReplicas(1);
  auto c = Client(0);
  std::string token;
  ASSERT_TRUE(c->Call(&v1::CatalogService::Stub::ListDatasets, c->catalog(),
                      v1::ListDatasetsRequest(), &token)
                  .ok());
  // The same database replaced by another (its identity changed).
  ASSERT_TRUE(db_.Exec("UPDATE meta SET value = value + 1 WHERE key = 'store_id'; "
                       "NOTIFY catalog_changes")
                  .ok());
  ASSERT_TRUE(testing::WaitFor([&] {
    std::string sent = token;
    auto r = c->Call(&v1::CatalogService::Stub::ListDatasets, c->catalog(),
                     v1::ListDatasetsRequest(), &sent);
    return r.status().code() == absl::StatusCode::kFailedPrecondition &&
           std::string(r.status().message()).find("another catalog store") != std::string::npos;
  }));
  // A caller the catalog does not know waits for nothing: refused at once.
  auto stranger = CatalogClient::Connect({.address = daemons_[0]->addr(), .token = "x.y"});
  std::string far = "ct1." + std::string("OTk5LjEuOTk5OTk5");  // any revision, unreached
  auto t0 = std::chrono::steady_clock::now();
  auto unknown = (*stranger)->Call(&v1::CatalogService::Stub::ListDatasets,
                                   (*stranger)->catalog(), v1::ListDatasetsRequest(), &far);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
  std::string garbage = "ct1.bm9wZQ";
  auto bad = c->Call(&v1::CatalogService::Stub::ListDatasets, c->catalog(),
                     v1::ListDatasetsRequest(), &garbage);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("x-catalog-consistency-token"));
}

// A script's catalogctl runs, each on whichever replica: with a consistency
// file, every read sees the writes before it.
TEST_F(Replicas, CatalogctlReadsItsWritesOnAnotherReplicaThroughAConsistencyFile) {
  StartReplicas(2);
  const fs::path file = dir_.path() / "consistency";
  auto ctl = [&](int replica, const std::string& args, std::string* out = nullptr) {
    const fs::path captured = dir_.path() / "ctl.out";
    std::string command = "CATALOG_TOKEN='" + AdminToken() + "' CATALOG_CONSISTENCY_FILE='" +
                          file.string() + "' '" +
                          (testing::BinDir() / "client" / "catalogctl").string() +
                          "' --addr " + daemons_[replica]->addr() + " " + args + " > '" +
                          captured.string() + "' 2>&1";
    int status = std::system(command.c_str());
    if (out != nullptr) *out = testing::ReadFile(captured);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  for (int i = 0; i < 20; ++i) {
    const std::string name = "script-" + std::to_string(i);
    const fs::path manifest = dir_.path() / (name + ".yaml");
    testing::WriteFile(manifest, "apiVersion: catalog/v1\nkind: Dataset\nmetadata:\n"
                                 "  namespace: pg://db\n  name: " + name +
                                     "\nspec:\n  owners: [{principal: \"user:alice\"}]\n");
    std::string out;
    ASSERT_EQ(ctl(i % 2, "apply -f '" + manifest.string() + "'", &out), 0) << out;
    ASSERT_EQ(ctl((i + 1) % 2, "get dataset pg://db/" + name, &out), 0) << out;
    EXPECT_THAT(out, HasSubstr(name));
  }
  EXPECT_EQ(testing::ReadFile(file).rfind("ct1.", 0), 0u);
  // Something else in the file: refused, naming it, before any call.
  testing::WriteFile(file, "Bearer secret\n");
  std::string out;
  EXPECT_EQ(ctl(0, "get datasets", &out), 2);
  EXPECT_THAT(out, HasSubstr("does not hold a consistency token"));
  EXPECT_THAT(out, HasSubstr(file.string()));
}

// kill -9 of a replica in the middle of writes: every acknowledged write is
// in the store with its audit event, and the restarted replica catches up
// and agrees with the others.
TEST_F(Replicas, AReplicaKilledDuringWritesCatchesUpAndAgrees) {
  StartReplicas(3);
  std::vector<std::unique_ptr<CatalogClient>> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(Client(i));
  WriteLoad load;
  load.Start({clients[0].get(), clients[1].get(), clients[2].get()}, "k");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  daemons_[1]->Kill();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  load.Stop();
  ASSERT_TRUE(daemons_[1]->Start()) << daemons_[1]->log();
  clients[1] = Client(1);
  std::string token;
  auto last = clients[0]->Call(&v1::CatalogService::Stub::Apply, clients[0]->catalog(),
                               ApplyOf(Dataset("last", "user:writer")), &token);
  ASSERT_TRUE(last.ok()) << last.status();
  ASSERT_GT(load.acknowledged.size(), 10u);
  std::set<std::string> stored = DatasetNames(*clients[2]);
  std::set<std::string> audited = CreatedInAudit(*clients[2]);
  for (const std::string& name : load.acknowledged) {
    EXPECT_TRUE(stored.count(name)) << "lost " << name;
    EXPECT_TRUE(audited.count("pg://db/" + name)) << "no audit event for " << name;
  }
  // The same decisions, at the same revision, on every replica.
  for (size_t n = 0; n < load.acknowledged.size(); n += 7) {
    std::vector<std::pair<int, int64_t>> answers;
    for (int i = 0; i < 3; ++i) {
      std::string sent = token;
      auto d = clients[i]->Call(&v1::PolicyService::Stub::Authorize, clients[i]->policies(),
                                MayRead("writer", load.acknowledged[n]), &sent);
      ASSERT_TRUE(d.ok()) << "replica " << i << ": " << d.status();
      answers.emplace_back(d->decision(), d->revision());
    }
    EXPECT_EQ(answers[0], answers[1]);
    EXPECT_EQ(answers[0], answers[2]);
    EXPECT_EQ(answers[0].first, v1::DECISION_ALLOW);
    EXPECT_EQ(answers[0].second, last->catalog_revision());
  }
  for (int i = 0; i < 3; ++i) {
    auto v = clients[i]->Call(&v1::AuditService::Stub::VerifyAudit, clients[i]->audit(),
                              v1::VerifyAuditRequest());
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_TRUE(v->ok()) << "replica " << i << ": " << v->problem();
  }
}

// PostgreSQL crashes and comes back during a write load: writes fail with
// UNAVAILABLE while it is down, decisions go on from the last snapshot
// (/readyz says so), nothing acknowledged is lost, and the replicas
// reconnect and catch up without a restart.
TEST(ReplicasOnAFailingPostgres, WritesFailWhileItIsDownAndNothingAcknowledgedIsLost) {
  testing::Postgres* shared = testing::SharedPostgres();
  ASSERT_NE(shared, nullptr);
  testing::Postgres pg;
  ASSERT_TRUE(pg.Start(shared->password())) << pg.error();
  ASSERT_TRUE(pg.Exec("CREATE DATABASE catalog").ok());
  testing::TempDir dir;
  std::vector<std::unique_ptr<testing::Daemon>> daemons;
  for (int i = 0; i < 2; ++i) {
    daemons.push_back(std::make_unique<testing::Daemon>(
        dir.path() / ("r" + std::to_string(i)), dir.path() / ("r" + std::to_string(i) + ".log"),
        std::vector<std::string>{"--store", pg.Url("catalog")}));
    ASSERT_TRUE(daemons.back()->Start()) << daemons.back()->log();
  }
  std::string admin;
  for (const auto& d : daemons) {
    if (fs::exists(d->data_dir() / "admin.token")) admin = testing::ReadFile(d->data_dir() / "admin.token");
  }
  while (!admin.empty() && admin.back() == '\n') admin.pop_back();
  std::vector<std::unique_ptr<CatalogClient>> clients;
  for (const auto& d : daemons) {
    clients.push_back(*CatalogClient::Connect(
        {.address = d->addr(), .token = admin, .timeout = std::chrono::seconds(10)}));
  }
  ASSERT_TRUE(clients[0]->Call(&v1::CatalogService::Stub::Apply, clients[0]->catalog(),
                               ApplyOf(Dataset("before", "user:writer")))
                  .ok());
  WriteLoad load;
  load.Start({clients[0].get(), clients[1].get()}, "p");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(pg.Crash());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // Down: decisions from the snapshot, and /readyz says it is degraded.
  size_t acknowledged_when_down;
  {
    std::lock_guard lock(load.mu);
    acknowledged_when_down = load.acknowledged.size();
  }
  for (int i = 0; i < 20; ++i) {
    auto d = clients[1]->Call(&v1::PolicyService::Stub::Authorize, clients[1]->policies(),
                              MayRead("writer", "before"));
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->decision(), v1::DECISION_ALLOW);
  }
  httplib::Client http("127.0.0.1", daemons[1]->http_port());
  auto ready = http.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  EXPECT_THAT(ready->body, HasSubstr("\"status\":\"degraded\""));
  EXPECT_THAT(ready->body, HasSubstr("decisions are served from revision"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  {
    std::lock_guard lock(load.mu);
    // Nothing is acknowledged while the database is down.
    EXPECT_EQ(load.acknowledged.size(), acknowledged_when_down);
  }
  ASSERT_TRUE(pg.Restart()) << pg.error();
  // Writes succeed again through both replicas, without restarting them.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        std::lock_guard lock(load.mu);
        int p0 = 0, p1 = 0;
        for (size_t i = acknowledged_when_down; i < load.acknowledged.size(); ++i) {
          (load.acknowledged[i][1] == '0' ? p0 : p1)++;
        }
        return p0 > 3 && p1 > 3;
      },
      std::chrono::seconds(30)));
  load.Stop();
  for (const auto& [code, n] : load.failures) {
    EXPECT_EQ(code, absl::StatusCode::kUnavailable) << n << " writes failed with " << code;
  }
  std::string token;
  auto last = clients[1]->Call(&v1::CatalogService::Stub::Apply, clients[1]->catalog(),
                               ApplyOf(Dataset("after", "user:writer")), &token);
  ASSERT_TRUE(last.ok()) << last.status();
  std::set<std::string> stored = DatasetNames(*clients[0]);
  for (const std::string& name : load.acknowledged) EXPECT_TRUE(stored.count(name)) << name;
  for (auto& c : clients) {
    std::string sent = token;
    auto d = c->Call(&v1::PolicyService::Stub::Authorize, c->policies(), MayRead("writer", "after"),
                     &sent);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->decision(), v1::DECISION_ALLOW);
    auto v = c->Call(&v1::AuditService::Stub::VerifyAudit, c->audit(), v1::VerifyAuditRequest());
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_TRUE(v->ok()) << v->problem();
  }
  std::cout << load.acknowledged.size() << " writes acknowledged; refused while down: "
            << load.failures[absl::StatusCode::kUnavailable] << " UNAVAILABLE\n";
}


// Moving up: a catalog built on SQLite copied to PostgreSQL serves there,
// with its tokens, objects and audit chain; and copied back.
TEST_F(Replicas, ACatalogMovesFromSqliteToPostgresAndBack) {
  fs::path lite = dir_.path() / "lite";
  testing::Daemon single(lite, dir_.path() / "lite.log");
  ASSERT_TRUE(single.Start()) << single.log();
  std::string admin = testing::ReadFile(lite / "admin.token");
  while (!admin.empty() && admin.back() == '\n') admin.pop_back();
  {
    auto c = *CatalogClient::Connect({.address = single.addr(), .token = admin});
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(c->Call(&v1::CatalogService::Stub::Apply, c->catalog(),
                          ApplyOf(Dataset("moved-" + std::to_string(i), "user:alice")))
                      .ok());
    }
  }
  ASSERT_EQ(single.Stop(), 0);
  auto run = [&](const std::string& args) {
    fs::path out = dir_.path() / "copy.out";
    int status = std::system(((testing::BinDir() / "server" / "catalogd").string() + " copy " +
                              args + " > '" + out.string() + "' 2>&1")
                                 .c_str());
    return std::make_pair(WEXITSTATUS(status), testing::ReadFile(out));
  };
  const std::string url = db_.Options().postgres;
  auto [code, out] = run("--from '" + lite.string() + "' --to '" + url + "'");
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("audit chain verified"));
  // Copying again finds a catalog there, and changes nothing.
  auto [again, refused] = run("--from '" + lite.string() + "' --to '" + url + "'");
  EXPECT_NE(again, 0);
  EXPECT_THAT(refused, HasSubstr("already holds a catalog"));

  StartReplicas(1);
  EXPECT_FALSE(fs::exists(daemons_[0]->data_dir() / "admin.token"));
  auto c = Client(0, admin);
  EXPECT_EQ(DatasetNames(*c).size(), 5u);
  auto v = c->Call(&v1::AuditService::Stub::VerifyAudit, c->audit(), v1::VerifyAuditRequest());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->ok()) << v->problem();
  EXPECT_EQ(v->events(), 7);  // the seed policies, the admin token, five datasets
  ASSERT_TRUE(c->Call(&v1::CatalogService::Stub::Apply, c->catalog(),
                      ApplyOf(Dataset("on-postgres", "user:alice")))
                  .ok());
  daemons_[0]->Stop();

  fs::path back = dir_.path() / "back";
  auto [code_back, out_back] = run("--from '" + url + "' --to '" + back.string() + "'");
  ASSERT_EQ(code_back, 0) << out_back;
  testing::Daemon again_lite(back, dir_.path() / "back.log");
  ASSERT_TRUE(again_lite.Start()) << again_lite.log();
  auto b = *CatalogClient::Connect({.address = again_lite.addr(), .token = admin});
  EXPECT_EQ(DatasetNames(*b).size(), 6u);
}

}  // namespace
}  // namespace catalog

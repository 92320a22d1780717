// catalogd replicas on one PostgreSQL: real catalogd processes sharing a
// throw-away database, driven through gRPC as pipelines would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "client/client.h"
#include "tests/daemon.h"
#include "tests/postgres.h"
#include "tests/store_engines.h"
#include "tests/test_env.h"

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

class Replicas : public ::testing::Test {
 protected:
  // Starts `n` replicas on the database, all at once.
  void StartReplicas(int n) {
    std::vector<std::thread> starting;
    for (int i = 0; i < n; ++i) {
      daemons_.push_back(std::make_unique<testing::Daemon>(
          dir_.path() / ("r" + std::to_string(i)),
          dir_.path() / ("r" + std::to_string(i) + ".log"),
          std::vector<std::string>{"--store", db_.Options().postgres}));
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
  auto issued = a->Call(&v1::TokenService::Stub::CreateToken, a->tokens(), create);
  ASSERT_TRUE(issued.ok());
  auto carol = Client(1, issued->secret());
  std::string carol_token;
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
}

// A token from another store is refused, and a garbled one is invalid.
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
  std::string garbage = "ct1.bm9wZQ";
  auto bad = c->Call(&v1::CatalogService::Stub::ListDatasets, c->catalog(),
                     v1::ListDatasetsRequest(), &garbage);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("x-catalog-consistency-token"));
}

}  // namespace
}  // namespace catalog

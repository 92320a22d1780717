// A replica cut off from PostgreSQL by the network, not by a crash: it runs
// in a network namespace of its own, reached by clients over one link and
// reaching PostgreSQL over another; taking the second link down partitions
// it (its sessions go silent, as across a failed switch). It keeps serving
// decisions at its revision, refuses consistency tokens beyond it, and
// catches up by itself once the link is back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <mutex>
#include <thread>
#include <unistd.h>

#include "client/client.h"
#include "tests/daemon.h"
#include "tests/postgres.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

namespace fs = std::filesystem;
using client::CatalogClient;
using ::testing::HasSubstr;

bool Sh(const std::string& command) {
  return std::system((command + " > /dev/null 2>&1").c_str()) == 0;
}

v1::ApplyRequest ApplyOf(const std::string& name) {
  v1::ApplyRequest req;
  v1::Dataset* d = req.add_resources()->mutable_dataset();
  d->mutable_key()->set_namespace_("pg://db");
  d->mutable_key()->set_name(name);
  d->mutable_spec()->add_owners()->set_principal("user:alice");
  return req;
}

v1::AuthorizeRequest MayRead(const std::string& name) {
  v1::AuthorizeRequest ask;
  ask.set_principal("User::\"alice\"");
  ask.set_action("read");
  ask.set_resource("Dataset::\"pg://db/" + name + "\"");
  return ask;
}

// A network namespace with two links to this one: `clients` (10.213.N.0/30)
// and `store` (10.213.N.4/30); removed, links and all, when destroyed.
class Namespace {
 public:
  Namespace() {
    const int n = getpid() % 200 + 20;
    name_ = "cbp" + std::to_string(getpid());
    net_ = "10.213." + std::to_string(n) + ".";
    const std::string c = "cbc" + std::to_string(getpid() % 100000),
                      s = "cbs" + std::to_string(getpid() % 100000);
    store_link_ = s + "h";
    ok_ = Sh("ip netns add " + name_) && Sh("ip -n " + name_ + " link set lo up") &&
          Sh("ip link add " + c + "h type veth peer name " + c + "n netns " + name_) &&
          Sh("ip link add " + s + "h type veth peer name " + s + "n netns " + name_) &&
          Sh("ip addr add " + net_ + "1/30 dev " + c + "h") &&
          Sh("ip addr add " + net_ + "5/30 dev " + s + "h") &&
          Sh("ip -n " + name_ + " addr add " + net_ + "2/30 dev " + c + "n") &&
          Sh("ip -n " + name_ + " addr add " + net_ + "6/30 dev " + s + "n") &&
          Sh("ip link set " + c + "h up") && Sh("ip link set " + s + "h up") &&
          Sh("ip -n " + name_ + " link set " + c + "n up") &&
          Sh("ip -n " + name_ + " link set " + s + "n up");
  }
  ~Namespace() { Sh("ip netns del " + name_); }

  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }
  std::string client_address() const { return net_ + "2"; }  // the replica, for clients
  std::string store_host() const { return net_ + "5"; }      // PostgreSQL, for the replica
  std::string store_network() const { return net_ + "4/30"; }
  bool Cut() { return Sh("ip link set " + store_link_ + " down"); }
  bool Heal() { return Sh("ip link set " + store_link_ + " up"); }

 private:
  std::string name_, net_, store_link_;
  bool ok_ = false;
};

TEST(NetworkPartition, AReplicaCutOffServesItsRevisionAndCatchesUpWhenHealed) {
  if (geteuid() != 0 || !Sh("ip netns list")) {
    GTEST_SKIP() << "needs root and iproute2 (ip netns) to build the partition";
  }
  Namespace ns;
  ASSERT_TRUE(ns.ok()) << "could not set up network namespace " << ns.name();
  testing::Postgres* shared = testing::SharedPostgres();
  ASSERT_NE(shared, nullptr);
  testing::Postgres pg;
  pg.AllowNetwork(ns.store_host(), ns.store_network());
  ASSERT_TRUE(pg.Start(shared->password())) << pg.error();
  ASSERT_TRUE(pg.Exec("CREATE DATABASE catalog").ok());

  testing::TempDir dir;
  testing::Daemon a(dir.path() / "a", dir.path() / "a.log", {"--store", pg.Url("catalog")});
  ASSERT_TRUE(a.Start()) << a.log();
  std::string url = pg.Url("catalog");
  url.replace(url.find("127.0.0.1"), 9, ns.store_host());
  testing::Daemon b(dir.path() / "b", dir.path() / "b.log", {"--store", url});
  b.UseNetworkNamespace(ns.name(), ns.client_address());
  ASSERT_TRUE(b.Start()) << b.log();

  std::string admin = testing::ReadFile(a.data_dir() / "admin.token");
  while (!admin.empty() && admin.back() == '\n') admin.pop_back();
  auto ac = *CatalogClient::Connect({.address = a.addr(), .token = admin});
  auto bc = *CatalogClient::Connect(
      {.address = b.addr(), .token = admin, .timeout = std::chrono::seconds(10)});
  std::string before;
  ASSERT_TRUE(ac->Call(&v1::CatalogService::Stub::Apply, ac->catalog(), ApplyOf("d1"), &before).ok());
  std::string sent = before;
  auto seen = bc->Call(&v1::PolicyService::Stub::Authorize, bc->policies(), MayRead("d1"), &sent);
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_EQ(seen->decision(), v1::DECISION_ALLOW);
  const int64_t cut_at = seen->revision();

  ASSERT_TRUE(ns.Cut());
  std::string after;
  auto w = ac->Call(&v1::CatalogService::Stub::Apply, ac->catalog(), ApplyOf("d2"), &after);
  ASSERT_TRUE(w.ok()) << w.status();
  // Cut off: decisions at the revision it has...
  for (int i = 0; i < 20; ++i) {
    auto d = bc->Call(&v1::PolicyService::Stub::Authorize, bc->policies(), MayRead("d1"));
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->decision(), v1::DECISION_ALLOW);
    EXPECT_EQ(d->revision(), cut_at);
  }
  // ... and a token beyond it is refused, naming the revision it has.
  std::string beyond = after;
  auto refused =
      bc->Call(&v1::PolicyService::Stub::Authorize, bc->policies(), MayRead("d2"), &beyond);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("applied catalog revision " + std::to_string(cut_at)));

  // A bearer token made on A while B is cut off: its first call on B, with
  // the creation's consistency token, waits for the creation instead of
  // being refused as unknown, and is told to retry when it does not come.
  v1::CreateTokenRequest create;
  create.set_principal("user:carol");
  std::string created;
  auto issued =
      ac->Call(&v1::TokenService::Stub::CreateToken, ac->tokens(), create, &created);
  ASSERT_TRUE(issued.ok()) << issued.status();
  auto carol = *CatalogClient::Connect(
      {.address = b.addr(), .token = issued->secret(), .timeout = std::chrono::seconds(10)});
  std::string carol_sent = created;
  auto early = carol->Call(&v1::CatalogService::Stub::ListDatasets, carol->catalog(),
                           v1::ListDatasetsRequest(), &carol_sent);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kUnavailable) << early.status();
  EXPECT_THAT(std::string(early.status().message()), HasSubstr("retry"));
  // The JSON API's gate (which authenticates before it reads a body) waits
  // the same way: 503 and "retry", not 401.
  httplib::Client json(ns.client_address(), b.http_port());
  json.set_read_timeout(10);
  auto json_call = [&] {
    return json.Post("/catalog.v1.CatalogService/ListDatasets",
                     {{"Authorization", "Bearer " + issued->secret()},
                      {"x-catalog-consistency-token", created}},
                     "{}", "application/json");
  };
  auto json_early = json_call();
  ASSERT_TRUE(json_early);
  EXPECT_EQ(json_early->status, 503) << json_early->body;
  EXPECT_THAT(json_early->body, HasSubstr("retry"));
  // Unknown callers share a few such waits: one address holds at most 8,
  // the rest are refused at once, as they would be without the token.
  {
    auto stranger = *CatalogClient::Connect({.address = b.addr(),
                                             .token = "tok_nobody.secret",
                                             .timeout = std::chrono::seconds(10)});
    std::mutex mu;
    std::map<absl::StatusCode, int> answers;
    std::vector<std::thread> callers;
    for (int i = 0; i < 12; ++i) {
      callers.emplace_back([&] {
        std::string t = created;
        auto r = stranger->Call(&v1::CatalogService::Stub::ListDatasets, stranger->catalog(),
                                v1::ListDatasetsRequest(), &t);
        std::lock_guard lock(mu);
        ++answers[r.status().code()];
      });
    }
    for (auto& t : callers) t.join();
    EXPECT_EQ(answers[absl::StatusCode::kUnavailable], 8);
    EXPECT_EQ(answers[absl::StatusCode::kUnauthenticated], 4);
  }

  ASSERT_TRUE(ns.Heal());
  // Healed: it catches up by itself (its silent sessions time out and are
  // made again), and the token is honoured.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        std::string t = after;
        auto d = bc->Call(&v1::PolicyService::Stub::Authorize, bc->policies(), MayRead("d2"), &t);
        return d.ok() && d->decision() == v1::DECISION_ALLOW;
      },
      std::chrono::seconds(60)))
      << b.log();
  // And carol's token works on B with its creation's consistency token.
  carol_sent = created;
  auto later = carol->Call(&v1::CatalogService::Stub::ListDatasets, carol->catalog(),
                           v1::ListDatasetsRequest(), &carol_sent);
  EXPECT_TRUE(later.ok()) << later.status();
  auto json_later = json_call();
  ASSERT_TRUE(json_later);
  EXPECT_EQ(json_later->status, 200) << json_later->body;
  auto v = bc->Call(&v1::AuditService::Stub::VerifyAudit, bc->audit(), v1::VerifyAuditRequest());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->ok()) << v->problem();
}

}  // namespace
}  // namespace catalog

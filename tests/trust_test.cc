// Integration: tokens that expire or are limited to some actions, and the
// audit log as the API serves it (listing with filters, verifying the chain
// and an anchor).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <httplib.h>

#include <regex>
#include <set>
#include <sstream>

#include "client/client.h"
#include "tests/in_process.h"

namespace catalog {
namespace {

using ::testing::HasSubstr;
using client::CatalogClient;
using AStub = v1::AuditService::Stub;

class TrustTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    auto bob = server_.As("user:bob");
    ASSERT_TRUE(bob.ok());
    bob_ = *std::move(bob);
  }
  CatalogClient& admin() { return server_.admin(); }

  absl::StatusOr<v1::CreateTokenResponse> Create(
      const std::string& principal, const std::string& expires,
      const std::vector<std::string>& actions = {}) {
    v1::CreateTokenRequest req;
    req.set_principal(principal);
    req.set_expires(expires);
    for (const std::string& a : actions) req.add_actions(a);
    return admin().Call(&v1::TokenService::Stub::CreateToken, admin().tokens(), req);
  }
  absl::Status ApplyDataset(CatalogClient& c, const std::string& name,
                            const std::string& owner) {
    v1::ApplyRequest req;
    v1::Dataset* d = req.add_resources()->mutable_dataset();
    d->mutable_key()->set_namespace_("pg");
    d->mutable_key()->set_name(name);
    v1::Owner* o = d->mutable_spec()->add_owners();
    o->set_principal(owner);
    o->set_type(v1::OWNERSHIP_TYPE_TECHNICAL);
    return c.Call(&v1::CatalogService::Stub::Apply, c.catalog(), req).status();
  }
  absl::StatusOr<v1::Dataset> Get(CatalogClient& c, const std::string& name) {
    v1::GetDatasetRequest req;
    req.mutable_key()->set_namespace_("pg");
    req.mutable_key()->set_name(name);
    return c.Call(&v1::CatalogService::Stub::GetDataset, c.catalog(), req);
  }

  testing::InProcessServer server_;
  std::unique_ptr<CatalogClient> bob_;
};

TEST_F(TrustTest, AnExpiredTokenIsRefused) {
  auto t = Create("user:bob", "2s");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_FALSE(t->token().expires_at().empty());
  auto c = server_.Connect(t->secret());
  ASSERT_TRUE(ApplyDataset(admin(), "orders", "user:bob").ok());
  EXPECT_TRUE(Get(*c, "orders").ok());
  ASSERT_TRUE(testing::WaitFor([&] { return !Get(*c, "orders").ok(); }));
  auto refused = Get(*c, "orders");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("expired at"));
  // Bad expiries are named.
  auto bad = Create("user:bob", "yesterday");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("expires"));
}

TEST_F(TrustTest, ALimitedTokenDoesOnlyItsActions) {
  ASSERT_TRUE(ApplyDataset(admin(), "orders", "user:bob").ok());
  auto t = Create("user:bob", "", {"catalog:read"});
  ASSERT_TRUE(t.ok()) << t.status();
  auto c = server_.Connect(t->secret());
  EXPECT_TRUE(Get(*c, "orders").ok());
  // The policies let bob (the owner) write; this token may not.
  EXPECT_TRUE(ApplyDataset(*bob_, "orders", "user:bob").ok());
  absl::Status refused = ApplyDataset(*c, "orders", "user:bob");
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(refused.message()),
              HasSubstr("the token of this call is limited to catalog:read"));
  auto unknown = Create("user:bob", "", {"everything"});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("actions[0]"));
}

TEST_F(TrustTest, TheAuditLogIsListedAndVerified) {
  ASSERT_TRUE(ApplyDataset(admin(), "a", "user:bob").ok());
  ASSERT_TRUE(ApplyDataset(*bob_, "b", "user:bob").ok());
  v1::ListAuditEventsRequest by_bob;
  by_bob.set_principal("user:bob");
  by_bob.set_action("dataset.");
  auto listed = admin().Call(&AStub::ListAuditEvents, admin().audit(), by_bob);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->events_size(), 1);
  EXPECT_EQ(listed->events(0).target(), "pg/b");
  EXPECT_EQ(listed->events(0).hash().size(), 64u);
  v1::ListAuditEventsRequest recent;
  recent.set_since("1h");
  auto all = admin().Call(&AStub::ListAuditEvents, admin().audit(), recent);
  ASSERT_TRUE(all.ok());
  EXPECT_GE(all->events_size(), 4);  // principal, token, two datasets
  v1::ListAuditEventsRequest bad;
  bad.set_since("last tuesday");
  EXPECT_EQ(admin().Call(&AStub::ListAuditEvents, admin().audit(), bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Only audit:read may read it (the default policies: the admin).
  EXPECT_EQ(bob_->Call(&AStub::ListAuditEvents, bob_->audit(), recent).status().code(),
            absl::StatusCode::kPermissionDenied);

  auto v = admin().Call(&AStub::VerifyAudit, admin().audit(), v1::VerifyAuditRequest());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->ok()) << v->problem();
  EXPECT_EQ(v->head_seq(), v->events());
  // An anchor from this verify holds later; a wrong one does not.
  ASSERT_TRUE(ApplyDataset(admin(), "c", "user:bob").ok());
  v1::VerifyAuditRequest anchored;
  anchored.set_head_seq(v->head_seq());
  anchored.set_head_hash(v->head_hash());
  auto later = admin().Call(&AStub::VerifyAudit, admin().audit(), anchored);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->ok()) << later->problem();
  anchored.set_head_hash(std::string(64, 'f'));
  auto wrong = admin().Call(&AStub::VerifyAudit, admin().audit(), anchored);
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->ok());
  EXPECT_EQ(wrong->first_bad_seq(), v->head_seq());
  anchored.set_head_seq(v->head_seq() + 100);
  auto gone = admin().Call(&AStub::VerifyAudit, admin().audit(), anchored);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->ok());
  EXPECT_THAT(gone->problem(), HasSubstr("removed from the end"));
}

// The value of a metric line `name{labels} value` in Prometheus text, or -1.
double MetricValue(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

TEST_F(TrustTest, MetricsAndReadinessOnTheHttpPort) {
  httplib::Client http("127.0.0.1", server_.server().http_port());
  ASSERT_TRUE(testing::WaitFor([&] {
    auto r = http.Get("/readyz");
    return r && r->status == 200;
  }));
  auto ready = nlohmann::json::parse(http.Get("/readyz")->body);
  EXPECT_EQ(ready["status"], "ready");
  EXPECT_EQ(ready["revision"]["lag"], 0);
  EXPECT_EQ(ready["revision"]["applied"], ready["revision"]["head"]);
  ASSERT_TRUE(ApplyDataset(admin(), "orders", "user:bob").ok());
  ASSERT_TRUE(Get(*bob_, "orders").ok());
  EXPECT_EQ(Get(*bob_, "missing").status().code(), absl::StatusCode::kNotFound);
  v1::AuthorizeRequest ask;
  ask.set_principal("User::\"bob\"");
  ask.set_action("read");
  ask.set_resource("Dataset::\"pg/orders\"");
  ASSERT_TRUE(bob_->Call(&v1::PolicyService::Stub::Authorize, bob_->policies(), ask).ok());

  auto res = http.Get("/metrics");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const std::string& m = res->body;
  EXPECT_GE(MetricValue(m, "catalogd_rpc_calls_total{method=\"/catalog.v1.CatalogService/"
                           "GetDataset\",code=\"OK\"}"), 1);
  EXPECT_GE(MetricValue(m, "catalogd_rpc_calls_total{method=\"/catalog.v1.CatalogService/"
                           "GetDataset\",code=\"NOT_FOUND\"}"), 1);
  EXPECT_GE(MetricValue(m, "catalogd_rpc_duration_seconds_count{method=\"/catalog.v1."
                           "CatalogService/GetDataset\"}"), 2);
  EXPECT_GE(MetricValue(m, "catalogd_authz_decisions_total{source=\"asked\",decision=\"allow\"}"), 1);
  EXPECT_GE(MetricValue(m, "catalogd_authz_decisions_total{source=\"checked\",decision=\"allow\"}"), 2);
  EXPECT_GE(MetricValue(m, "catalogd_sqlite_transaction_seconds_count{kind=\"write\"}"), 1);
  EXPECT_GE(MetricValue(m, "catalogd_authz_snapshot_revision"), 1);
  EXPECT_GE(MetricValue(m, "catalogd_authz_snapshot_age_seconds"), 0);
  // Every line is a comment or `series value`.
  std::regex line("^(# (HELP|TYPE) .*|[a-z_]+(\\{.*\\})? [-+0-9.eInf]+)$");
  std::istringstream in(m);
  for (std::string l; std::getline(in, l);) {
    EXPECT_TRUE(std::regex_match(l, line)) << l;
  }
}

TEST_F(TrustTest, OversizedMetadataIsRefusedAndTheServerGoesOn) {
  grpc::ClientContext context;
  context.AddMetadata("x-padding", std::string(64 * 1024, 'a'));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::PingResponse pong;
  grpc::Status s = admin().catalog().Ping(&context, v1::PingRequest(), &pong);
  EXPECT_FALSE(s.ok());
  // The server closed that connection; it goes on serving (the channel
  // reconnects).
  EXPECT_TRUE(testing::WaitFor([&] {
    return admin().Call(&v1::CatalogService::Stub::Ping, admin().catalog(),
                        v1::PingRequest()).ok();
  }));
}

// Authorization decisions in the audit log: denies by default, all of
// them, a sample of allows, or none.
class DecisionAuditTest : public ::testing::Test {
 protected:
  void Start(const std::string& mode, double allow_sample = 0) {
    ASSERT_TRUE(server_
                    .Start([&](server::ServerConfig& c) {
                      c.audit_decisions = mode;
                      c.audit_allow_sample = allow_sample;
                    })
                    .ok());
    auto bob = server_.As("user:bob");
    ASSERT_TRUE(bob.ok());
    bob_ = *std::move(bob);
    // Bob runs a gateway: he asks on others' behalf (authorize:others).
    v1::ApplyRequest gateway;
    v1::Principal* g = gateway.add_resources()->mutable_principal();
    g->set_kind(v1::PRINCIPAL_KIND_GROUP);
    g->set_name("authorizers");
    v1::Principal* b = gateway.add_resources()->mutable_principal();
    b->set_kind(v1::PRINCIPAL_KIND_USER);
    b->set_name("bob");
    b->mutable_spec()->add_groups("authorizers");
    ASSERT_TRUE(admin().Call(&v1::CatalogService::Stub::Apply, admin().catalog(), gateway).ok());
    v1::ApplyRequest req;
    v1::Dataset* d = req.add_resources()->mutable_dataset();
    d->mutable_key()->set_namespace_("pg");
    d->mutable_key()->set_name("orders");
    v1::Owner* o = d->mutable_spec()->add_owners();
    o->set_principal("user:alice");
    o->set_type(v1::OWNERSHIP_TYPE_TECHNICAL);
    ASSERT_TRUE(admin().Call(&v1::CatalogService::Stub::Apply, admin().catalog(), req).ok());
  }
  CatalogClient& admin() { return server_.admin(); }

  // Asks whether `principal` (Cedar) may `action` pg/orders; true if allowed.
  bool Ask(const std::string& principal, const std::string& action) {
    v1::AuthorizeRequest ask;
    ask.set_principal(principal);
    ask.set_action(action);
    ask.set_resource("Dataset::\"pg/orders\"");
    auto r = bob_->Call(&v1::PolicyService::Stub::Authorize, bob_->policies(), ask);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && r->decision() == v1::DECISION_ALLOW;
  }
  // Bob updates pg/orders (alice's): denied by the policies.
  absl::Status BobWrites() {
    v1::ApplyRequest req;
    v1::Dataset* d = req.add_resources()->mutable_dataset();
    d->mutable_key()->set_namespace_("pg");
    d->mutable_key()->set_name("orders");
    d->mutable_spec()->set_description("bob was here");
    return bob_->Call(&v1::CatalogService::Stub::Apply, bob_->catalog(), req).status();
  }
  absl::Status BobReads() {
    v1::GetDatasetRequest req;
    req.mutable_key()->set_namespace_("pg");
    req.mutable_key()->set_name("orders");
    return bob_->Call(&v1::CatalogService::Stub::GetDataset, bob_->catalog(), req).status();
  }
  // Decision events ("allow" or "deny"); a listing includes every decision
  // made before it.
  std::vector<v1::AuditEventProto> Decisions(const std::string& decision) {
    v1::ListAuditEventsRequest req;
    req.set_decision(decision);
    req.set_page_size(1000);
    auto r = admin().Call(&AStub::ListAuditEvents, admin().audit(), req);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    return {r->events().begin(), r->events().end()};
  }

  testing::InProcessServer server_;
  std::unique_ptr<CatalogClient> bob_;
};

TEST_F(DecisionAuditTest, DeniesAreRecordedByDefaultAndAllowsAreNot) {
  Start("denies");
  EXPECT_EQ(BobWrites().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(BobReads().ok());
  EXPECT_TRUE(Ask("User::\"alice\"", "read"));
  EXPECT_FALSE(Ask("User::\"mallory\"", "read"));
  std::vector<v1::AuditEventProto> denies = Decisions("deny");
  ASSERT_EQ(denies.size(), 2u);
  EXPECT_EQ(denies[0].actor(), "user:bob");
  EXPECT_EQ(denies[0].action(), "catalog:write");
  EXPECT_EQ(denies[0].target_kind(), "Dataset");
  EXPECT_EQ(denies[0].target(), "pg/orders");
  EXPECT_GT(denies[0].catalog_revision(), 0);
  EXPECT_EQ(denies[0].subject(), "");
  // Who asked, and whom it was about.
  EXPECT_EQ(denies[1].actor(), "user:bob");
  EXPECT_EQ(denies[1].subject(), "user:mallory");
  EXPECT_EQ(denies[1].action(), "read");
  EXPECT_LT(denies[0].seq(), denies[1].seq());
  EXPECT_TRUE(Decisions("allow").empty());
  // The decisions are links of the one chain.
  auto v = admin().Call(&AStub::VerifyAudit, admin().audit(), v1::VerifyAuditRequest());
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << v->problem();
}

TEST_F(DecisionAuditTest, AllRecordsAllowsToo) {
  Start("all");
  EXPECT_TRUE(BobReads().ok());
  EXPECT_TRUE(Ask("User::\"alice\"", "write"));
  std::vector<v1::AuditEventProto> allows = Decisions("allow");
  std::set<std::string> seen;
  for (const auto& e : allows) {
    seen.insert(e.actor() + " " + e.action() + " " + e.target() + " " + e.subject());
  }
  EXPECT_TRUE(seen.count("user:bob catalog:read pg/orders ")) << allows.size();
  EXPECT_TRUE(seen.count("user:bob write pg/orders user:alice"));
  EXPECT_FALSE(Ask("User::\"mallory\"", "read"));
  EXPECT_EQ(Decisions("deny").size(), 1u);
}

TEST_F(DecisionAuditTest, AllowsCanBeSampled) {
  Start("denies", 0.5);
  v1::BatchAuthorizeRequest batch;
  for (int i = 0; i < 100; ++i) {
    v1::AuthorizeRequest* r = batch.add_requests();
    r->set_principal("User::\"alice\"");
    r->set_action("read");
    r->set_resource("Dataset::\"pg/orders\"");
  }
  for (int round = 0; round < 4; ++round) {
    auto r = bob_->Call(&v1::PolicyService::Stub::BatchAuthorize, bob_->policies(), batch);
    ASSERT_TRUE(r.ok()) << r.status();
  }
  size_t sampled = 0;
  for (const auto& e : Decisions("allow")) sampled += e.subject() == "user:alice";
  EXPECT_GT(sampled, 140u);  // 200 expected; sd 10
  EXPECT_LT(sampled, 260u);
}

TEST_F(DecisionAuditTest, OffRecordsNoDecision) {
  Start("off");
  EXPECT_EQ(BobWrites().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(Ask("User::\"mallory\"", "read"));
  EXPECT_TRUE(Decisions("deny").empty());
  EXPECT_TRUE(Decisions("allow").empty());
}

}  // namespace
}  // namespace catalog

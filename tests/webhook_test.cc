// Integration: webhooks on a real server in-process, POSTing to a real
// HTTP receiver in the test — signed with the secret shown once, retried
// after failures with the same delivery and body, in order, naming only
// what the subscriber may read; a receiver that keeps failing pauses its
// webhook until it is resumed. And the door: only owners subscribe, only
// allowed addresses are reached, the secret is not in the database, and
// others do not see a webhook at all.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include <google/protobuf/text_format.h>
#include <httplib.h>

#include "client/client.h"
#include "lib/util/sha256.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "tests/in_process.h"
#include "tests/lineage_events.h"
#include "tests/webhook_receiver.h"

namespace catalog {
namespace {

using client::CatalogClient;
using json = nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using WStub = v1::WebhookService::Stub;
using testing::Receiver;
using testing::Signed;
using namespace std::chrono_literals;

// alice owns domain sales and pg/orders in it; etl/agg makes pg/daily
// (carol's) and pg/payroll_daily (dave's, which alice may not read) from it.
constexpr char kCatalog[] = R"(
  resources { principal { kind: PRINCIPAL_KIND_USER name: "alice" } }
  resources { principal { kind: PRINCIPAL_KIND_USER name: "bob" } }
  resources { domain { path: "sales" spec { owners { principal: "user:alice" } } } }
  resources { dataset { key { namespace: "pg" name: "orders" }
                        spec { domain: "sales" owners { principal: "user:alice" } } } }
  resources { dataset { key { namespace: "pg" name: "daily" }
                        spec { owners { principal: "user:carol" } } } }
  resources { dataset { key { namespace: "pg" name: "payroll_daily" }
                        spec { owners { principal: "user:dave" } } } })";

constexpr char kHidePayroll[] = R"(
@id("payroll-is-hidden-from-alice")
forbid (principal == User::"alice", action, resource == Dataset::"pg/payroll_daily");
)";

class WebhookTest : public ::testing::Test {
 protected:
  void Start(int max_attempts = 10) {
    ASSERT_TRUE(server_
                    .Start([&](server::ServerConfig& c) {
                      c.webhook_allow = "127.0.0.1/32";
                      c.webhook_max_attempts = max_attempts;
                    })
                    .ok());
    v1::ApplyRequest apply;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(kCatalog, &apply));
    auto applied = server_.admin().Call(&v1::CatalogService::Stub::Apply,
                                        server_.admin().catalog(), apply);
    ASSERT_TRUE(applied.ok()) << applied.status();
    ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar", kHidePayroll).ok());
    auto alice = server_.As("user:alice");
    auto bob = server_.As("user:bob");
    auto pipeline = server_.As("serviceaccount:etl");
    ASSERT_TRUE(alice.ok() && bob.ok() && pipeline.ok());
    alice_ = *std::move(alice);
    bob_ = *std::move(bob);
    pipeline_ = *std::move(pipeline);
    // The lineage downstream of orders.
    ASSERT_TRUE(Ingest(testing::RunEventJson("COMPLETE", "agg-1", 1, {{"orders", {}}},
                                             {{"daily", {}}, {"payroll_daily", {}}}, "agg",
                                             "etl"))
                    .ok());
  }

  absl::Status Ingest(const std::string& event) {
    v1::IngestRequest req;
    req.add_events(event);
    return pipeline_->Call(&v1::LineageService::Stub::Ingest, pipeline_->lineage(), req).status();
  }

  // A run of etl/load writing pg/orders with a not_null check on id.
  absl::Status Load(const std::string& run, bool passes) {
    json facets = {{"dataQualityAssertions",
                    {{"assertions",
                      {{{"assertion", "not_null"}, {"column", "id"}, {"success", passes}}}}}}};
    json e = json::parse(
        testing::RunEventJson("COMPLETE", run, 0, {}, {{"orders", facets}}, "load", "etl"));
    e["eventTime"] = FormatRfc3339(std::chrono::system_clock::now());
    return Ingest(e.dump());
  }

  absl::StatusOr<v1::CreateWebhookResponse> Create(CatalogClient& c, const std::string& text) {
    v1::CreateWebhookRequest req;
    if (!google::protobuf::TextFormat::ParseFromString(text, &req)) {
      return absl::InvalidArgumentError("bad test request");
    }
    return c.Call(&WStub::CreateWebhook, c.webhooks(), req);
  }

  absl::StatusOr<v1::Webhook> Get(CatalogClient& c, const std::string& name) {
    v1::WebhookRequest req;
    req.set_name(name);
    return c.Call(&WStub::GetWebhook, c.webhooks(), req);
  }

  std::string OrdersHook(const std::string& url) {
    return StrCat("name: \"orders-alerts\" url: \"", url,
                  "\" dataset { namespace: \"pg\" name: \"orders\" }");
  }

  Receiver receiver_;
  testing::InProcessServer server_;
  std::unique_ptr<CatalogClient> alice_, bob_, pipeline_;
};

TEST_F(WebhookTest, TheSubscriberHearsOfAnIncidentSignedRetriedAndInOrder) {
  Start();
  auto made = Create(*alice_, OrdersHook(receiver_.url()));
  ASSERT_TRUE(made.ok()) << made.status();
  const std::string secret = made->secret();
  EXPECT_THAT(secret, ::testing::StartsWith("whsec_"));
  EXPECT_EQ(made->webhook().subscriber(), "user:alice");
  EXPECT_THAT(made->webhook().events(),
              ElementsAre("incident.opened", "incident.resolved", "contract.violated"));
  // The receiver is down for the first two attempts.
  receiver_.FailFirst(2);
  ASSERT_TRUE(Load("load-1", false).ok());  // an incident opens
  ASSERT_TRUE(Load("load-2", true).ok());   // and resolves
  std::vector<Receiver::Request> got = receiver_.WaitFor(4);
  ASSERT_EQ(got.size(), 4u);
  // The same delivery, the same bytes, until it is taken; then the next.
  EXPECT_EQ(got[0].event, "incident.opened");
  EXPECT_EQ(got[1].delivery, got[0].delivery);
  EXPECT_EQ(got[2].delivery, got[0].delivery);
  EXPECT_EQ(got[1].body, got[0].body);
  EXPECT_EQ(got[2].body, got[0].body);
  EXPECT_EQ(got[3].event, "incident.resolved");
  EXPECT_GT(std::stoll(got[3].delivery), std::stoll(got[0].delivery));
  for (const Receiver::Request& r : got) {
    EXPECT_TRUE(Signed(r.signature, secret, r.body)) << r.signature;
    EXPECT_FALSE(Signed(r.signature, secret + "x", r.body));
  }
  json opened = json::parse(got[0].body);
  EXPECT_EQ(opened["event"], "incident.opened");
  EXPECT_EQ(opened["webhook"], "orders-alerts");
  EXPECT_EQ(opened["dataset"]["namespace"], "pg");
  EXPECT_EQ(opened["dataset"]["name"], "orders");
  EXPECT_EQ(opened["dataset"]["domain"], "sales");
  EXPECT_EQ(opened["dataset"]["owners"][0]["principal"], "user:alice");
  EXPECT_EQ(opened["incident"]["state"], "open");
  EXPECT_EQ(opened["incident"]["summary"], "check id: not_null fails");
  // Downstream: daily and its owner; never the dataset alice may not read.
  ASSERT_EQ(opened["downstream"].size(), 1u);
  EXPECT_EQ(opened["downstream"][0]["name"], "daily");
  EXPECT_EQ(opened["downstream"][0]["owners"], json::array({"user:carol"}));
  EXPECT_EQ(opened["downstream_owners"], json::array({"user:carol"}));
  EXPECT_THAT(got[0].body, Not(HasSubstr("payroll")));
  EXPECT_THAT(got[0].body, Not(HasSubstr("dave")));
  json resolved = json::parse(got[3].body);
  EXPECT_EQ(resolved["incident"]["state"], "resolved");
  EXPECT_EQ(resolved["incident"]["resolved_by"], "catalogd");
  EXPECT_EQ(resolved["incident"]["id"], opened["incident"]["id"]);

  // The deliveries as the API shows them.
  v1::ListWebhookDeliveriesRequest list;
  list.set_name("orders-alerts");
  auto deliveries = alice_->Call(&WStub::ListWebhookDeliveries, alice_->webhooks(), list);
  ASSERT_TRUE(deliveries.ok()) << deliveries.status();
  ASSERT_EQ(deliveries->deliveries_size(), 2);
  EXPECT_EQ(deliveries->deliveries(1).event(), "incident.opened");
  EXPECT_EQ(deliveries->deliveries(1).state(), "delivered");
  EXPECT_EQ(deliveries->deliveries(1).attempts(), 3);
  EXPECT_EQ(deliveries->deliveries(1).last_status(), 204);
  EXPECT_EQ(deliveries->deliveries(0).state(), "delivered");
}

TEST_F(WebhookTest, AWriteThatBreaksTheContractIsSentWithItsViolations) {
  Start();
  auto made = Create(*alice_, OrdersHook(receiver_.url()) + " events: \"contract.violated\"");
  ASSERT_TRUE(made.ok()) << made.status();
  v1::PutContractRequest contract;
  contract.set_document(
      "apiVersion: v3.1.0\nkind: DataContract\nid: orders\nversion: 1.0.0\n"
      "status: active\nschema:\n  - name: orders\n    properties:\n"
      "      - name: id\n        logicalType: integer\n");
  v1::ContractBinding* b = contract.add_bindings();
  b->set_object("orders");
  b->mutable_dataset()->set_namespace_("pg");
  b->mutable_dataset()->set_name("orders");
  ASSERT_TRUE(alice_->Call(&v1::ContractService::Stub::PutContract, alice_->contracts(), contract)
                  .ok());
  json schema = {{"schema", {{"fields", {{{"name", "id"}, {"type", "varchar"}}}}}}};
  ASSERT_TRUE(Ingest(testing::RunEventJson("COMPLETE", "load-1", 2, {}, {{"orders", schema}},
                                           "load", "etl"))
                  .ok());
  std::vector<Receiver::Request> got = receiver_.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event, "contract.violated");
  EXPECT_TRUE(Signed(got[0].signature, made->secret(), got[0].body));
  json body = json::parse(got[0].body);
  EXPECT_EQ(body["contract"]["id"], "orders");
  EXPECT_EQ(body["contract"]["version"], "1.0.0");
  EXPECT_EQ(body["source"], "lineage run etl/load load-1");
  ASSERT_GE(body["violations"].size(), 1u);
  EXPECT_EQ(body["violations"][0]["property"], "id");
  // Only the events it asked for: the incident the break opened is not sent.
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(receiver_.received().size(), 1u);
}

TEST_F(WebhookTest, AReceiverThatKeepsFailingPausesItsWebhookUntilResumed) {
  Start(/*max_attempts=*/2);
  ASSERT_TRUE(Create(*alice_, OrdersHook(receiver_.url())).ok());
  receiver_.SetFailing(true);
  ASSERT_TRUE(Load("load-1", false).ok());
  ASSERT_EQ(receiver_.WaitFor(2).size(), 2u);
  absl::StatusOr<v1::Webhook> w;
  for (auto end = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < end;
       std::this_thread::sleep_for(50ms)) {
    w = Get(*alice_, "orders-alerts");
    if (w.ok() && w->state() == "paused") break;
  }
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->state(), "paused");
  EXPECT_THAT(w->state_reason(), HasSubstr("failed 2 times"));
  EXPECT_THAT(w->state_reason(), HasSubstr("answered 500: receiver down"));
  EXPECT_EQ(w->pending(), 1);
  EXPECT_EQ(w->last_error(), "answered 500: receiver down");
  httplib::Client http("127.0.0.1", server_.server().http_port());
  auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr("\ncatalogd_webhooks_paused 1\n"));
  EXPECT_THAT(metrics->body, HasSubstr("\ncatalogd_webhook_deliveries_pending 1\n"));
  EXPECT_THAT(metrics->body, HasSubstr("catalogd_webhook_attempts_total{result=\"failed\"}"));
  // Paused: nothing more is sent.
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(receiver_.received().size(), 2u);
  // The receiver is back; resumed, the kept delivery arrives.
  receiver_.SetFailing(false);
  v1::WebhookRequest resume;
  resume.set_name("orders-alerts");
  auto resumed = alice_->Call(&WStub::ResumeWebhook, alice_->webhooks(), resume);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->state(), "active");
  std::vector<Receiver::Request> got = receiver_.WaitFor(3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].delivery, got[0].delivery);
}

TEST_F(WebhookTest, OnlyOwnersSubscribeAndOnlyToAllowedAddresses) {
  Start();
  // bob owns nothing: refused, saying which permission.
  auto refused = Create(*bob_, OrdersHook(receiver_.url()));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("webhook:subscribe"));
  // Not public and not allowed by the operator: refused, naming why.
  for (const char* url : {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/hook",
                          "http://[::1]:8080/", "http://127.0.0.2:1/"}) {
    auto r = Create(*alice_, OrdersHook(url));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("webhook-allow")) << url;
  }
  EXPECT_THAT(std::string(Create(*alice_, OrdersHook("http://169.254.169.254/")).status().message()),
              HasSubstr("link-local"));
  for (const auto& [text, rule] : std::vector<std::pair<std::string, std::string>>{
           {OrdersHook("ftp://example.com/"), "url: scheme \"ftp\""},
           {OrdersHook(receiver_.url()) + " events: \"incident.exploded\"", "events: "},
           {OrdersHook(receiver_.url()) + " domain: \"sales\"", "give exactly one"},
           {"name: \"Bad Name\" url: \"http://127.0.0.1:1/\" domain: \"sales\"", "name: "},
       }) {
    auto r = Create(*alice_, text);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(rule)) << text;
  }
  // A dataset that does not exist, and one alice may not read, alike.
  for (const char* name : {"nope", "payroll_daily"}) {
    auto r = Create(*alice_, StrCat("name: \"x\" url: \"", receiver_.url(),
                                    "\" dataset { namespace: \"pg\" name: \"", name, "\" }"));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << name;
  }
  // A domain's owners subscribe to it; others do not.
  const std::string sales =
      StrCat("name: \"sales-alerts\" url: \"", receiver_.url(), "\" domain: \"sales\"");
  EXPECT_EQ(Create(*bob_, sales).status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(Create(*alice_, sales).ok());
  auto made = Create(*alice_, OrdersHook(receiver_.url()));
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(Create(*alice_, OrdersHook(receiver_.url())).status().code(),
            absl::StatusCode::kAlreadyExists);

  // The secret is not in the database (nor its journal).
  for (const char* file : {"catalog.db", "catalog.db-wal"}) {
    std::ifstream in(server_.dir().path() / "data" / file, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(bytes.str().find(made->secret()), std::string::npos) << file;
    EXPECT_EQ(bytes.str().find(made->secret().substr(6)), std::string::npos) << file;
  }

  // Others see no webhook of alice's: not listed, not found, not deleted.
  v1::ListWebhooksRequest all;
  auto bobs = bob_->Call(&WStub::ListWebhooks, bob_->webhooks(), all);
  ASSERT_TRUE(bobs.ok());
  EXPECT_EQ(bobs->webhooks_size(), 0);
  EXPECT_EQ(Get(*bob_, "orders-alerts").status().code(), absl::StatusCode::kNotFound);
  v1::WebhookRequest del;
  del.set_name("orders-alerts");
  EXPECT_EQ(bob_->Call(&WStub::DeleteWebhook, bob_->webhooks(), del).status().code(),
            absl::StatusCode::kNotFound);
  auto alices = alice_->Call(&WStub::ListWebhooks, alice_->webhooks(), all);
  ASSERT_TRUE(alices.ok());
  EXPECT_EQ(alices->webhooks_size(), 2);
  auto admins = server_.admin().Call(&WStub::ListWebhooks, server_.admin().webhooks(), all);
  EXPECT_EQ(admins->webhooks_size(), 2);
  // A token of alice's limited to reporting lineage sees none of them.
  v1::CreateTokenRequest limited;
  limited.set_principal("user:alice");
  limited.add_actions("lineage:write");
  auto t = server_.admin().Call(&v1::TokenService::Stub::CreateToken, server_.admin().tokens(),
                                limited);
  ASSERT_TRUE(t.ok()) << t.status();
  auto alice_limited = server_.Connect(t->secret());
  auto limited_list = alice_limited->Call(&WStub::ListWebhooks, alice_limited->webhooks(), all);
  ASSERT_TRUE(limited_list.ok()) << limited_list.status();
  EXPECT_EQ(limited_list->webhooks_size(), 0);
  EXPECT_EQ(Get(*alice_limited, "orders-alerts").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(alice_limited->Call(&WStub::DeleteWebhook, alice_limited->webhooks(), del)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(alice_->Call(&WStub::DeleteWebhook, alice_->webhooks(), del).ok());
  EXPECT_EQ(Get(*alice_, "orders-alerts").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace catalog

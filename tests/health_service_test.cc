// Integration: dataset health on a real server in-process — a pipeline's
// failing check and a missed freshness agreement reach GetDatasetHealth,
// GetDataset and the policies (resource.health, resource.freshness) through
// the snapshot; the leader's clock finds a dataset stale when its pipeline
// stops; readers see only what they may read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include <google/protobuf/text_format.h>
#include <httplib.h>

#include "client/client.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "tests/in_process.h"
#include "tests/lineage_events.h"

namespace catalog {
namespace {

using client::CatalogClient;
using json = nlohmann::json;
using QStub = v1::QualityService::Stub;
using namespace std::chrono_literals;

// The rule docs/quality.md shows (and policies/examples/catalog.cedar has),
// with a permit for bob to read.
constexpr char kHealthPolicies[] = R"(
@id("ml-training-reads-features")
permit (principal in Group::"ml-training", action == Action::"read", resource is Dataset);

@id("ml-training-reads-trusted-data-only")
forbid (principal in Group::"ml-training", action == Action::"read", resource is Dataset)
when { ["failing", "stale", "upstream-degraded"].contains(resource.health) };
)";

// features.orders, written at least every minute.
constexpr char kContract[] =
    "apiVersion: v3.1.0\nkind: DataContract\nid: orders\nversion: 1.0.0\n"
    "status: active\nschema:\n  - name: orders\n    properties:\n"
    "      - name: id\n        logicalType: integer\n"
    "slaProperties:\n  - property: latency\n    value: 1\n    unit: m\n";

class HealthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    auto bob = server_.As("user:bob");
    auto pipeline = server_.As("serviceaccount:etl");
    ASSERT_TRUE(bob.ok() && pipeline.ok());
    bob_ = *std::move(bob);
    pipeline_ = *std::move(pipeline);
    v1::ApplyRequest apply;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"(resources { principal { kind: PRINCIPAL_KIND_GROUP name: "ml-training" } }
           resources { principal { kind: PRINCIPAL_KIND_USER name: "bob"
                                   spec { groups: "ml-training" } } })",
        &apply));
    ASSERT_TRUE(server_.admin().Call(&v1::CatalogService::Stub::Apply,
                                     server_.admin().catalog(), apply).ok());
    ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "health.cedar", kHealthPolicies).ok());
  }

  // A run of etl/load writing pg/orders `back` ago, in `state`, with a
  // not_null check on id that passes or not.
  absl::Status Run(const std::string& run, std::chrono::milliseconds back,
                   std::optional<bool> not_null = std::nullopt,
                   const std::string& state = "COMPLETE") {
    json facets = json::object();
    if (not_null) {
      facets["dataQualityAssertions"] = {
          {"assertions", {{{"assertion", "not_null"}, {"column", "id"}, {"success", *not_null}}}}};
    }
    json e = json::parse(
        testing::RunEventJson(state, run, 0, {}, {{"orders", facets}}, "load", "etl", "pg"));
    e["eventTime"] = FormatRfc3339(std::chrono::system_clock::now() - back);
    v1::IngestRequest req;
    req.add_events(e.dump());
    return pipeline_->Call(&v1::LineageService::Stub::Ingest, pipeline_->lineage(), req).status();
  }

  absl::StatusOr<v1::GetDatasetHealthResponse> Health(CatalogClient& c,
                                                      const std::string& name = "orders") {
    v1::GetDatasetHealthRequest req;
    req.mutable_key()->set_namespace_("pg");
    req.mutable_key()->set_name(name);
    return c.Call(&QStub::GetDatasetHealth, c.quality(), req);
  }

  // bob's answer to "may I read pg/orders?": "allow" or "deny".
  std::string MayBobRead() {
    v1::AuthorizeRequest req;
    req.set_principal("User::\"bob\"");
    req.set_action("read");
    req.set_resource("Dataset::\"pg/orders\"");
    auto r = bob_->Call(&v1::PolicyService::Stub::Authorize, bob_->policies(), req);
    if (!r.ok()) return std::string(r.status().message());
    return r->decision() == v1::DECISION_ALLOW ? "allow" : "deny";
  }

  testing::InProcessServer server_;
  std::unique_ptr<CatalogClient> bob_, pipeline_;
};

TEST_F(HealthServiceTest, AFailingCheckMakesTheDatasetFailingAndThePolicyDenies) {
  ASSERT_TRUE(Run("run-1", 1min, true).ok());
  EXPECT_EQ(MayBobRead(), "allow");
  auto h = Health(*bob_);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->health(), "ok");

  ASSERT_TRUE(Run("run-2", 30s, false).ok());
  h = Health(*bob_);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->health(), "failing");
  EXPECT_EQ(h->reason(), "check id: not_null fails");
  EXPECT_FALSE(h->since().empty());
  ASSERT_EQ(h->failing_checks_size(), 1);
  EXPECT_EQ(h->failing_checks(0).result().name(), "not_null");
  EXPECT_EQ(h->failing_checks(0).result().column(), "id");
  EXPECT_EQ(h->failing_checks(0).result().job(), "etl/load");
  EXPECT_EQ(h->failing_checks(0).result().run_id(), "run-2");
  EXPECT_EQ(MayBobRead(), "deny");
  // GetDataset says so too, without a new revision of the dataset.
  v1::GetDatasetRequest get;
  get.mutable_key()->set_namespace_("pg");
  get.mutable_key()->set_name("orders");
  auto d = bob_->Call(&v1::CatalogService::Stub::GetDataset, bob_->catalog(), get);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->health().health(), "failing");
  EXPECT_EQ(d->status().revision(), 1);

  ASSERT_TRUE(Run("run-3", 10s, true).ok());
  EXPECT_EQ(Health(*bob_)->health(), "ok");
  EXPECT_EQ(MayBobRead(), "allow");
}

TEST_F(HealthServiceTest, APipelineThatStopsMakesItsDatasetStaleByTheClock) {
  // Written 57 s ago under a one-minute latency: fresh for 3 s more.
  ASSERT_TRUE(Run("run-1", 57s).ok());
  v1::PutContractRequest put;
  put.set_document(kContract);
  v1::ContractBinding* b = put.add_bindings();
  b->set_object("orders");
  b->mutable_dataset()->set_namespace_("pg");
  b->mutable_dataset()->set_name("orders");
  ASSERT_TRUE(server_.admin()
                  .Call(&v1::ContractService::Stub::PutContract, server_.admin().contracts(), put)
                  .ok());
  auto h = Health(*bob_);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->freshness(), "fresh");
  EXPECT_EQ(h->sla().latency(), "1 min");
  EXPECT_FALSE(h->next_check().empty());
  EXPECT_EQ(MayBobRead(), "allow");
  // No event arrives; the leader's clock (every 5 s) judges it stale.
  EXPECT_TRUE(testing::WaitFor([&] { return Health(*bob_)->freshness() == "stale"; }, 15s));
  h = Health(*bob_);
  EXPECT_EQ(h->health(), "stale");
  EXPECT_THAT(h->freshness_reason(), ::testing::StartsWith("latency 1 min: last written "));
  EXPECT_TRUE(h->next_check().empty());
  EXPECT_EQ(MayBobRead(), "deny");
  // The pipeline runs again.
  ASSERT_TRUE(Run("run-2", 0s).ok());
  EXPECT_EQ(Health(*bob_)->freshness(), "fresh");
  EXPECT_EQ(MayBobRead(), "allow");
}

TEST_F(HealthServiceTest, ReadersSeeOnlyWhatTheyMayRead) {
  ASSERT_TRUE(Run("run-1", 1min, false).ok());
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar",
                                     R"(forbid (principal == User::"bob", action == Action::"catalog:read",
                                               resource == Job::"etl/load");)")
                  .ok());
  // The failing check, without the job bob may not read.
  auto h = Health(*bob_);
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->failing_checks_size(), 1);
  EXPECT_EQ(h->failing_checks(0).result().job(), "");
  EXPECT_EQ(h->failing_checks(0).result().run_id(), "");
  EXPECT_EQ(Health(server_.admin())->failing_checks(0).result().job(), "etl/load");
  // A dataset bob may not read is answered as one that does not exist.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide2.cedar",
                                     R"(forbid (principal == User::"bob", action == Action::"catalog:read",
                                               resource == Dataset::"pg/orders");)")
                  .ok());
  auto hidden = Health(*bob_);
  auto absent = Health(*bob_, "nothing_here");
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), "dataset \"pg/orders\" not found");
  EXPECT_EQ(absent.status().message(), "dataset \"pg/nothing_here\" not found");
  // A request without a key is named.
  v1::GetDatasetHealthRequest none;
  auto bad = bob_->Call(&QStub::GetDatasetHealth, bob_->quality(), none);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), ::testing::HasSubstr("key.namespace"));
}

TEST_F(HealthServiceTest, AFailingCheckOpensAnIncidentThatOwnersHandleAndRecoveryResolves) {
  using IStub = v1::IncidentService::Stub;
  ASSERT_TRUE(Run("run-1", 2min, false).ok());
  v1::ListIncidentsRequest open;
  open.set_state("open");
  auto listed = bob_->Call(&IStub::ListIncidents, bob_->incidents(), open);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->incidents_size(), 1);
  const v1::Incident& i = listed->incidents(0);
  EXPECT_EQ(i.kind(), "check");
  EXPECT_EQ(i.summary(), "check id: not_null fails");
  EXPECT_EQ(i.state(), "open");
  EXPECT_GE(i.time_to_detect_ms(), 110000);  // the run was 2 minutes ago
  const int64_t id = i.id();

  // bob reads but does not own the dataset: he may not handle it.
  v1::ChangeIncidentRequest ack;
  ack.set_id(id);
  ack.set_assignee("user:bob");
  EXPECT_EQ(bob_->Call(&IStub::AcknowledgeIncident, bob_->incidents(), ack).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Bad requests are named.
  v1::ChangeIncidentRequest bad = ack;
  bad.set_assignee("bob");
  auto refused = server_.admin().Call(&IStub::AcknowledgeIncident, server_.admin().incidents(), bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), ::testing::StartsWith("assignee"));
  bad.set_id(0);
  EXPECT_EQ(server_.admin().Call(&IStub::AcknowledgeIncident, server_.admin().incidents(), bad)
                .status()
                .message(),
            "id: must be an incident's id (1 or more)");
  // The admin acknowledges it.
  auto acked = server_.admin().Call(&IStub::AcknowledgeIncident, server_.admin().incidents(), ack);
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(acked->state(), "acknowledged");
  EXPECT_EQ(acked->assignee(), "user:bob");
  // The pipeline's next run passes: resolved, saying why.
  ASSERT_TRUE(Run("run-2", 1min, true).ok());
  v1::GetIncidentRequest get;
  get.set_id(id);
  auto resolved = bob_->Call(&IStub::GetIncident, bob_->incidents(), get);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->state(), "resolved");
  EXPECT_EQ(resolved->resolved_by(), "catalogd");
  EXPECT_THAT(resolved->resolution(), ::testing::StartsWith("recovered: the check passed"));
  EXPECT_GE(resolved->time_to_resolve_ms(), 0);
  EXPECT_EQ(bob_->Call(&IStub::ListIncidents, bob_->incidents(), open)->incidents_size(), 0);

  // Incidents of a dataset bob may not read are not his to see.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar",
                                     R"(forbid (principal == User::"bob", action == Action::"catalog:read",
                                               resource == Dataset::"pg/orders");)")
                  .ok());
  EXPECT_EQ(bob_->Call(&IStub::GetIncident, bob_->incidents(), get).status().message(),
            StrCat("incident ", id, " not found"));
  EXPECT_EQ(bob_->Call(&IStub::ListIncidents, bob_->incidents(), v1::ListIncidentsRequest())
                ->incidents_size(),
            0);
}

TEST_F(HealthServiceTest, DownstreamOfAFailingDatasetIsUpstreamDegradedWithThePath) {
  // raw -> etl/stage -> mid -> etl/load -> orders; failing checks on raw.
  auto write = [&](const std::string& job, const std::string& run, const std::string& in,
                   const std::string& out, std::optional<bool> checks_pass) {
    json facets = json::object();
    if (checks_pass) {
      facets["dataQualityAssertions"] = {
          {"assertions",
           {{{"assertion", "not_null"}, {"column", "id"}, {"success", *checks_pass}}}}};
    }
    json e = json::parse(testing::RunEventJson("COMPLETE", run, 0, {{in, facets}}, {{out}}, job,
                                               "etl", "pg"));
    e["eventTime"] = FormatRfc3339(std::chrono::system_clock::now());
    v1::IngestRequest req;
    req.add_events(e.dump());
    return pipeline_->Call(&v1::LineageService::Stub::Ingest, pipeline_->lineage(), req).status();
  };
  ASSERT_TRUE(write("stage", "run-1", "raw", "mid", true).ok());
  ASSERT_TRUE(write("load", "run-2", "mid", "orders", std::nullopt).ok());
  EXPECT_EQ(Health(*bob_)->health(), "ok");
  EXPECT_EQ(MayBobRead(), "allow");

  ASSERT_TRUE(write("stage", "run-3", "raw", "mid", false).ok());
  auto h = Health(*bob_);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->health(), "upstream-degraded");
  EXPECT_EQ(h->own_health(), "ok");
  EXPECT_EQ(h->upstream_cause(), "pg/raw");
  EXPECT_EQ(h->upstream_cause_health(), "failing");
  EXPECT_EQ(h->upstream_hops(), 2);
  EXPECT_THAT(h->upstream_path(), ::testing::ElementsAre("pg/raw", "pg/mid", "pg/orders"));
  EXPECT_EQ(h->reason(), "failing upstream, 2 jobs away: pg/raw");
  EXPECT_EQ(Health(*bob_, "mid")->health(), "upstream-degraded");
  EXPECT_EQ(Health(*bob_, "raw")->health(), "failing");
  // The policy on resource.health sees it too, and so does GetDataset.
  EXPECT_EQ(MayBobRead(), "deny");
  v1::GetDatasetRequest get;
  get.mutable_key()->set_namespace_("pg");
  get.mutable_key()->set_name("orders");
  EXPECT_EQ(bob_->Call(&v1::CatalogService::Stub::GetDataset, bob_->catalog(), get)
                ->health()
                .health(),
            "upstream-degraded");
  // Impact shows the health along the way.
  v1::ImpactRequest impact;
  impact.set_node("pg/raw");
  auto reached = bob_->Call(&v1::LineageService::Stub::Impact, bob_->lineage(), impact);
  ASSERT_TRUE(reached.ok()) << reached.status();
  std::vector<std::string> healths;
  for (const v1::ImpactedNode& d : reached->datasets()) {
    healths.push_back(d.node().dataset().name() + " " + d.health());
  }
  EXPECT_THAT(healths, ::testing::ElementsAre("mid upstream-degraded", "orders upstream-degraded"));
  // A dataset on the path bob may not read is not named to him.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar",
                                     R"(forbid (principal == User::"bob", action == Action::"catalog:read",
                                               resource == Dataset::"pg/raw");)")
                  .ok());
  h = Health(*bob_);
  EXPECT_EQ(h->upstream_cause(), "");
  EXPECT_THAT(h->upstream_path(), ::testing::ElementsAre("", "pg/mid", "pg/orders"));
  EXPECT_EQ(h->reason(), "failing upstream, 2 jobs away");
  // Nor is the health of one he may not read, in Impact.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide3.cedar",
                                     R"(forbid (principal == User::"bob", action == Action::"catalog:read",
                                               resource == Dataset::"pg/mid");)")
                  .ok());
  reached = bob_->Call(&v1::LineageService::Stub::Impact, bob_->lineage(), impact);
  ASSERT_TRUE(reached.ok()) << reached.status();
  ASSERT_EQ(reached->datasets_size(), 2);
  EXPECT_TRUE(reached->datasets(0).node().redacted());
  EXPECT_EQ(reached->datasets(0).health(), "");
  EXPECT_EQ(reached->datasets(0).freshness(), "");
  EXPECT_EQ(reached->datasets(1).node().dataset().name(), "orders");
  EXPECT_EQ(reached->datasets(1).health(), "upstream-degraded");

  // /metrics counts them.
  httplib::Client http("127.0.0.1", server_.server().http_port());
  auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, ::testing::HasSubstr("\ncatalogd_datasets_failing 1\n"));
  EXPECT_THAT(metrics->body, ::testing::HasSubstr("\ncatalogd_datasets_upstream_degraded 2\n"));
  EXPECT_THAT(metrics->body, ::testing::HasSubstr("\ncatalogd_datasets_stale 0\n"));

  // raw passes again: everything downstream recovers.
  ASSERT_TRUE(write("stage", "run-4", "raw", "mid", true).ok());
  EXPECT_EQ(Health(*bob_)->health(), "ok");
  EXPECT_EQ(Health(*bob_)->upstream_path_size(), 0);
  EXPECT_EQ(MayBobRead(), "allow");
}

// A domain's health rolls up its datasets' and its subdomains', as bob may
// read them, upstream degradation included.
TEST_F(HealthServiceTest, ADomainsHealthRollsUpWhatTheCallerMayRead) {
  v1::ApplyRequest apply;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"(resources { domain { path: "sales" } }
         resources { domain { path: "sales/emea" } }
         resources { dataset { key { namespace: "pg" name: "raw" } spec { domain: "sales/emea" } } }
         resources { dataset { key { namespace: "pg" name: "mid" } spec { domain: "sales" } } }
         resources { dataset { key { namespace: "pg" name: "secret" } spec { domain: "sales/emea" } } }
         resources { dataset { key { namespace: "pg" name: "fine" } spec { domain: "sales" } } })",
      &apply));
  ASSERT_TRUE(server_.admin().Call(&v1::CatalogService::Stub::Apply, server_.admin().catalog(),
                                   apply).ok());
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar",
                                     R"(forbid (principal == User::"bob", action == Action::"catalog:read",
                                               resource == Dataset::"pg/secret");)")
                  .ok());
  // raw fails (mid, made from it, is upstream-degraded); so does secret.
  auto write = [&](const std::string& job, const std::string& in, const std::string& out) {
    json facets = {{"dataQualityAssertions",
                    {{"assertions",
                      {{{"assertion", "not_null"}, {"column", "id"}, {"success", false}}}}}}};
    json e = json::parse(testing::RunEventJson("COMPLETE", job + "-1", 0, {{in, facets}}, {{out}},
                                               job, "etl", "pg"));
    e["eventTime"] = FormatRfc3339(std::chrono::system_clock::now());
    v1::IngestRequest req;
    req.add_events(e.dump());
    return pipeline_->Call(&v1::LineageService::Stub::Ingest, pipeline_->lineage(), req).status();
  };
  ASSERT_TRUE(write("stage", "raw", "mid").ok());
  ASSERT_TRUE(write("hidden", "secret", "elsewhere").ok());
  auto rollup = [&](CatalogClient& c, const std::string& domain, int max = 0) {
    v1::GetDomainHealthRequest req;
    req.set_domain(domain);
    req.set_max_datasets(max);
    return c.Call(&QStub::GetDomainHealth, c.quality(), req);
  };
  auto bobs = rollup(*bob_, "sales");
  ASSERT_TRUE(bobs.ok()) << bobs.status();
  EXPECT_EQ(bobs->health(), "failing");
  EXPECT_EQ(bobs->datasets(), 3);  // raw, mid, fine: not secret
  EXPECT_EQ(bobs->failing(), 1);
  EXPECT_EQ(bobs->upstream_degraded(), 1);
  EXPECT_EQ(bobs->ok(), 1);
  EXPECT_EQ(bobs->stale() + bobs->warning(), 0);
  ASSERT_EQ(bobs->unhealthy_size(), 2);
  EXPECT_EQ(bobs->unhealthy(0).key().name(), "raw");
  EXPECT_EQ(bobs->unhealthy(0).health(), "failing");
  EXPECT_EQ(bobs->unhealthy(0).domain(), "sales/emea");
  EXPECT_FALSE(bobs->unhealthy(0).since().empty());
  EXPECT_EQ(bobs->unhealthy(1).key().name(), "mid");
  EXPECT_EQ(bobs->unhealthy(1).health(), "upstream-degraded");
  EXPECT_THAT(bobs->DebugString(), ::testing::Not(::testing::HasSubstr("secret")));
  // The admin reads secret too.
  auto admins = rollup(server_.admin(), "sales");
  ASSERT_TRUE(admins.ok());
  EXPECT_EQ(admins->datasets(), 4);
  EXPECT_EQ(admins->failing(), 2);
  // A subdomain alone; a shorter list.
  EXPECT_EQ(rollup(*bob_, "sales/emea")->datasets(), 1);
  auto one = rollup(*bob_, "sales", 1);
  ASSERT_EQ(one->unhealthy_size(), 1);
  EXPECT_EQ(one->unhealthy(0).key().name(), "raw");
  EXPECT_EQ(rollup(*bob_, "nowhere").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(rollup(*bob_, "sales", 5000).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(rollup(*bob_, "bad path!").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace catalog

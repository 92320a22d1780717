// Integration: what runs cost, from real OpenLineage events carrying the
// cost run facet and BigQuery's job facet, summed per job, per dataset
// (the jobs that write it) and per domain (each job once), never across
// currencies, within `since`, counting only what the caller may read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include <google/protobuf/text_format.h>

#include "client/client.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "tests/in_process.h"

namespace catalog {
namespace {

using client::CatalogClient;
using json = nlohmann::json;
using ::testing::ElementsAre;
using namespace std::chrono_literals;

class CostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    v1::ApplyRequest apply;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"(resources { principal { kind: PRINCIPAL_KIND_USER name: "bob" } }
           resources { domain { path: "sales" } }
           resources { dataset { key { namespace: "pg" name: "orders" } spec { domain: "sales" } } }
           resources { dataset { key { namespace: "pg" name: "orders_audit" } spec { domain: "sales" } } }
           resources { dataset { key { namespace: "pg" name: "daily" } spec { domain: "sales" } } })",
        &apply));
    ASSERT_TRUE(server_.admin().Call(&v1::CatalogService::Stub::Apply, server_.admin().catalog(),
                                     apply).ok());
    ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar",
                                       R"(forbid (principal == User::"bob", action == Action::"catalog:read",
                                                 resource == Job::"etl/secret");)")
                    .ok());
    auto bob = server_.As("user:bob");
    ASSERT_TRUE(bob.ok());
    bob_ = *std::move(bob);
  }

  // A run of etl/`job` (`state`, `back` ago) writing `outputs`, with run facets.
  void Run(const std::string& job, const std::string& run, std::vector<std::string> outputs,
           json facets, std::chrono::hours back = 1h, const std::string& state = "COMPLETE") {
    json outs = json::array();
    for (const std::string& o : outputs) outs.push_back({{"namespace", "pg"}, {"name", o}});
    json e = {{"eventType", state},
              {"eventTime", FormatRfc3339(std::chrono::system_clock::now() - back)},
              {"producer", "https://example.com/t"},
              {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json"},
              {"run", {{"runId", run}, {"facets", facets}}},
              {"job", {{"namespace", "etl"}, {"name", job}}},
              {"inputs", json::array()},
              {"outputs", outs}};
    v1::IngestRequest req;
    req.add_events(e.dump());
    auto r = server_.admin().Call(&v1::LineageService::Stub::Ingest, server_.admin().lineage(),
                                  req);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  static json Cost(double amount, const std::string& currency) {
    return {{"cost", {{"amount", amount}, {"currency", currency}}}};
  }

  // "key currency amount runs=N jobs=N bytes=N" per line.
  std::vector<std::string> Report(CatalogClient& c, const std::string& by,
                                  const std::string& since = "") {
    v1::CostReportRequest req;
    req.set_by(by);
    req.set_since(since);
    auto r = c.Call(&v1::CostService::Stub::GetCostReport, c.costs(), req);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> out;
    if (!r.ok()) return out;
    for (const v1::CostLine& l : r->lines()) {
      out.push_back(StrCat(l.key(), " ", l.currency(), " ", l.amount(), " runs=", l.runs(),
                           " jobs=", l.jobs(), " bytes=", l.billed_bytes()));
    }
    return out;
  }

  testing::InProcessServer server_;
  std::unique_ptr<CatalogClient> bob_;
};

TEST_F(CostTest, CostsAddUpPerJobDatasetAndDomainByCurrency) {
  // The START's estimate is replaced by the COMPLETE's cost.
  Run("load", "r1", {"orders", "orders_audit"}, Cost(1, "USD"), 2h, "START");
  Run("load", "r1", {"orders", "orders_audit"}, Cost(10.5, "USD"));
  Run("load", "r2", {"orders", "orders_audit"}, Cost(2.25, "USD"));
  Run("load", "r3", {"orders", "orders_audit"}, Cost(3, "EUR"));
  json bq = Cost(1, "USD");
  bq["bigQueryJob"] = {{"cached", false}, {"billedBytes", "1000"}};
  Run("agg", "r4", {"daily"}, bq);
  Run("old", "r5", {"daily"}, Cost(100, "USD"), 24h * 40);
  Run("secret", "r6", {"orders"}, Cost(50, "USD"));
  Run("plain", "r7", {"daily"}, json::object());  // no cost: not counted

  EXPECT_THAT(Report(*bob_, "job"),
              ElementsAre("etl/load EUR 3 runs=1 jobs=1 bytes=0",
                          "etl/load USD 12.75 runs=2 jobs=1 bytes=0",
                          "etl/agg USD 1 runs=1 jobs=1 bytes=1000"));
  EXPECT_THAT(Report(*bob_, "dataset"),
              ElementsAre("pg/orders EUR 3 runs=1 jobs=1 bytes=0",
                          "pg/orders_audit EUR 3 runs=1 jobs=1 bytes=0",
                          "pg/orders USD 12.75 runs=2 jobs=1 bytes=0",
                          "pg/orders_audit USD 12.75 runs=2 jobs=1 bytes=0",
                          "pg/daily USD 1 runs=1 jobs=1 bytes=1000"));
  // A job that writes two of the domain's datasets counts once.
  EXPECT_THAT(Report(*bob_, "domain"), ElementsAre("sales EUR 3 runs=1 jobs=1 bytes=0",
                                                   "sales USD 13.75 runs=3 jobs=2 bytes=1000"));
  // The admin reads etl/secret too; a longer window takes the old run.
  EXPECT_THAT(Report(server_.admin(), "dataset")[2], "pg/orders USD 62.75 runs=3 jobs=2 bytes=0");
  EXPECT_THAT(Report(*bob_, "job", "60d"),
              ElementsAre("etl/load EUR 3 runs=1 jobs=1 bytes=0",
                          "etl/old USD 100 runs=1 jobs=1 bytes=0",
                          "etl/load USD 12.75 runs=2 jobs=1 bytes=0",
                          "etl/agg USD 1 runs=1 jobs=1 bytes=1000"));

  // A token of bob's limited to reporting lineage reads no costs.
  v1::CreateTokenRequest limited;
  limited.set_principal("user:bob");
  limited.add_actions("lineage:write");
  auto t = server_.admin().Call(&v1::TokenService::Stub::CreateToken, server_.admin().tokens(),
                                limited);
  ASSERT_TRUE(t.ok()) << t.status();
  auto bob_limited = server_.Connect(t->secret());
  v1::CostReportRequest any;
  EXPECT_EQ(bob_limited->Call(&v1::CostService::Stub::GetCostReport, bob_limited->costs(), any)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);

  for (const auto& [by, since] : std::vector<std::pair<std::string, std::string>>{
           {"team", ""}, {"job", "forever"}}) {
    v1::CostReportRequest req;
    req.set_by(by);
    req.set_since(since);
    auto r = bob_->Call(&v1::CostService::Stub::GetCostReport, bob_->costs(), req);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << by << since;
  }
}

// docs/cost.md's example: its events, its table.
TEST_F(CostTest, TheGuidesExampleAddsUpAsItShows) {
  std::ifstream in(testing::SourceDir() / "docs/examples/cost-events.json");
  json events = json::parse(in);
  v1::IngestRequest req;
  for (const json& e : events) req.add_events(e.dump());
  ASSERT_TRUE(server_.admin()
                  .Call(&v1::LineageService::Stub::Ingest, server_.admin().lineage(), req)
                  .ok());
  // (The guide's --since 365d, wide enough for its dates whenever this runs.)
  EXPECT_THAT(Report(server_.admin(), "job", "36500d"),
              ElementsAre("spark/enrich_orders EUR 2.5 runs=1 jobs=1 bytes=0",
                          "dbt/sales.orders USD 8.05 runs=2 jobs=1 bytes=100747182080",
                          "dbt/sales.daily USD 0.6 runs=1 jobs=1 bytes=0"));
}

}  // namespace
}  // namespace catalog

// Integration: quality results on a real server in-process — a pipeline's
// events with quality facets in, ListQualityResults out, under the
// caller's read permission; bad requests named; retention applied by the
// leader's housekeeping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "client/client.h"
#include "lib/util/time.h"
#include "tests/in_process.h"
#include "tests/lineage_events.h"

namespace catalog {
namespace {

using ::testing::HasSubstr;
using client::CatalogClient;
using json = nlohmann::json;
using QStub = v1::QualityService::Stub;

std::string Ago(std::chrono::milliseconds back) {
  return FormatRfc3339(std::chrono::system_clock::now() - back);
}

// dbt.orders read pg/raw_orders (checked) and wrote pg/orders, `back` ago.
std::string QualityRun(const std::string& run, std::chrono::milliseconds back, bool enough_rows) {
  json e = json::parse(testing::RunEventJson("COMPLETE", run, 0, {{"raw_orders"}}, {{"orders"}},
                                             "dbt.orders", "dbt", "pg"));
  e["eventTime"] = Ago(back);
  e["inputs"][0]["inputFacets"] = testing::CheckedInputFacets(enough_rows);
  e["outputs"][0]["outputFacets"] = {{"outputStatistics", {{"rowCount", 995}}}};
  e["outputs"][0]["facets"] = {
      {"symlinks",
       {{"identifiers", {{{"namespace", "warehouse"}, {"name", "shop.orders"}, {"type", "TABLE"}}}}}}};
  return e.dump();
}

class QualityServiceTest : public ::testing::Test {
 protected:
  void Start(const std::string& retention = "90d") {
    ASSERT_TRUE(server_.Start([&](server::ServerConfig& c) { c.quality_retention = retention; })
                    .ok());
    auto bob = server_.As("user:bob");
    auto pipeline = server_.As("serviceaccount:dbt");
    ASSERT_TRUE(bob.ok() && pipeline.ok());
    bob_ = *std::move(bob);
    pipeline_ = *std::move(pipeline);
  }
  void SetUp() override { Start(); }

  absl::Status Ingest(const std::vector<std::string>& events) {
    v1::IngestRequest req;
    for (const std::string& e : events) req.add_events(e);
    return pipeline_->Call(&v1::LineageService::Stub::Ingest, pipeline_->lineage(), req).status();
  }

  absl::StatusOr<v1::ListQualityResultsResponse> List(
      CatalogClient& c, const std::string& name,
      const std::function<void(v1::ListQualityResultsRequest&)>& more = {}) {
    v1::ListQualityResultsRequest req;
    req.mutable_key()->set_namespace_(name.substr(0, name.find('/')));
    req.mutable_key()->set_name(name.substr(name.find('/') + 1));
    if (more) more(req);
    return c.Call(&QStub::ListQualityResults, c.quality(), req);
  }

  testing::InProcessServer server_;
  std::unique_ptr<CatalogClient> bob_, pipeline_;
};

TEST_F(QualityServiceTest, AReaderSeesEveryResultNewestFirst) {
  using namespace std::chrono_literals;
  ASSERT_TRUE(Ingest({QualityRun("run-1", 2h, true)}).ok());
  ASSERT_TRUE(Ingest({QualityRun("run-2", 1h, false)}).ok());
  auto r = List(*bob_, "pg/raw_orders");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->results_size(), 10);  // 2 assertions and 3 measurements an event
  EXPECT_EQ(r->key().name(), "raw_orders");
  const v1::QualityResult& failed = r->results(1);
  EXPECT_EQ(failed.name(), "enough_rows");
  EXPECT_EQ(failed.kind(), v1::QUALITY_KIND_CHECK);
  EXPECT_EQ(failed.status(), "fail");
  EXPECT_EQ(failed.check_type(), "row_count");
  EXPECT_EQ(failed.expected(), ">= 1000");
  EXPECT_EQ(failed.actual(), "999");
  EXPECT_EQ(failed.job(), "dbt/dbt.orders");
  EXPECT_EQ(failed.run_id(), "run-2");
  EXPECT_EQ(failed.reporter(), "serviceaccount:dbt");
  const v1::QualityResult& rows = r->results(2);
  EXPECT_EQ(rows.kind(), v1::QUALITY_KIND_MEASUREMENT);
  EXPECT_EQ(rows.facet(), "dataQualityMetrics");
  EXPECT_EQ(rows.value(), 999);
  EXPECT_GT(r->results(0).time(), r->results(5).time());

  // Failed checks of the last 90 minutes only.
  auto failures = List(*bob_, "pg/raw_orders", [](auto& q) {
    q.set_status("fail");
    q.set_since("90m");
  });
  ASSERT_TRUE(failures.ok()) << failures.status();
  ASSERT_EQ(failures->results_size(), 1);
  EXPECT_EQ(failures->results(0).run_id(), "run-2");
  // Asked by an alias (an OpenLineage symlink), under the dataset's key.
  auto aliased = List(*bob_, "warehouse/shop.orders");
  ASSERT_TRUE(aliased.ok()) << aliased.status();
  EXPECT_EQ(aliased->key().name(), "orders");
  EXPECT_EQ(aliased->results_size(), 2);
}

TEST_F(QualityServiceTest, ADatasetTheCallerMayNotReadIsAnsweredAsAbsent) {
  using namespace std::chrono_literals;
  ASSERT_TRUE(Ingest({QualityRun("run-1", 1h, false)}).ok());
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar", R"(forbid (principal == User::"bob", action == Action::"catalog:read",
                      resource == Dataset::"pg/raw_orders");
              forbid (principal == User::"bob", action == Action::"catalog:read",
                      resource == Job::"dbt/dbt.orders");)")
                  .ok());
  auto hidden = List(*bob_, "pg/raw_orders");
  auto absent = List(*bob_, "pg/nothing_here");
  ASSERT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  ASSERT_EQ(absent.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), "dataset \"pg/raw_orders\" not found");
  EXPECT_EQ(absent.status().message(), "dataset \"pg/nothing_here\" not found");
  // A readable dataset's results, without the job bob may not read.
  auto orders = List(*bob_, "pg/orders");
  ASSERT_TRUE(orders.ok()) << orders.status();
  ASSERT_EQ(orders->results_size(), 1);
  EXPECT_EQ(orders->results(0).job(), "");
  EXPECT_EQ(orders->results(0).run_id(), "");
  // The admin sees both.
  auto admin = List(server_.admin(), "pg/orders");
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->results(0).job(), "dbt/dbt.orders");
}

TEST_F(QualityServiceTest, BadRequestsAreNamedAndAnswerNothing) {
  using namespace std::chrono_literals;
  ASSERT_TRUE(Ingest({QualityRun("run-1", 1h, true)}).ok());
  struct Case {
    std::function<void(v1::ListQualityResultsRequest&)> set;
    std::string error;
  };
  std::vector<Case> cases = {
      {[](auto& q) { q.set_since("yesterday"); }, "since: \"yesterday\" is neither"},
      {[](auto& q) { q.set_status("broken"); }, "status: \"broken\" must be pass, fail, skip or not_measured"},
      {[](auto& q) {
         q.set_status("fail");
         q.set_kind(v1::QUALITY_KIND_MEASUREMENT);
       },
       "status: measurements have none"},
      {[](auto& q) {
         q.set_whole_dataset(true);
         q.set_column("id");
       },
       "whole_dataset: names no column"},
      {[](auto& q) { q.set_kind(static_cast<v1::QualityKind>(9)); }, "kind: 9 is not a QualityKind"},
      {[](auto& q) { q.set_page_size(-1); }, "page_size"},
      {[](auto& q) { q.set_page_token("forged"); }, "page_token"},
  };
  for (const Case& c : cases) {
    auto r = List(*bob_, "pg/raw_orders", c.set);
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.error;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.error));
  }
  v1::ListQualityResultsRequest no_key;
  auto r = bob_->Call(&QStub::ListQualityResults, bob_->quality(), no_key);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "key.namespace: must not be empty");
}

TEST_F(QualityServiceTest, ABadQualityFacetRefusesTheEventWhole) {
  using namespace std::chrono_literals;
  json e = json::parse(QualityRun("run-1", 1h, true));
  e["inputs"][0]["inputFacets"]["dataQualityAssertions"]["assertions"][1].erase("success");
  absl::Status s = Ingest({e.dump()});
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("inputs[0].inputFacets.dataQualityAssertions.assertions[1].success: "
                        "is required"));
  EXPECT_EQ(List(*bob_, "pg/raw_orders").status().code(), absl::StatusCode::kNotFound);
}

class QualityRetentionTest : public QualityServiceTest {
 protected:
  void SetUp() override { Start("1s"); }
};

TEST_F(QualityRetentionTest, TheLeaderForgetsResultsPastTheirRetention) {
  using namespace std::chrono_literals;
  // Retention counts from the later of an event's time and its arrival: an
  // hour-old event goes a second after it arrives; one dated an hour ahead
  // (a clock running fast) stays until then.
  ASSERT_TRUE(Ingest({QualityRun("late", 1h, true)}).ok());
  ASSERT_TRUE(Ingest({QualityRun("ahead", -1h, false)}).ok());
  auto all = List(*bob_, "pg/raw_orders");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->results_size(), 10);
  // Housekeeping runs every 5 s.
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        auto left = List(*bob_, "pg/raw_orders");
        return left.ok() && left->results_size() == 5;
      },
      15s));
  auto left = List(*bob_, "pg/raw_orders");
  ASSERT_TRUE(left.ok());
  for (const v1::QualityResult& r : left->results()) EXPECT_EQ(r.run_id(), "ahead");
}

}  // namespace
}  // namespace catalog

// Quality results on both engines: written with the event's lineage, read
// back newest first with filters and pages, pruned by time.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>

#include "catalog/v1/quality.pb.h"
#include "lib/lineage/event.h"
#include "lib/util/time.h"
#include "server/store/store.h"
#include "server/store/store_internal.h"
#include "tests/lineage_events.h"
#include "tests/store_engines.h"
#include "tests/test_env.h"

namespace catalog::store {
namespace {

using json = nlohmann::json;
using Io = testing::EventIo;

const DatasetKey kRaw{"pg", "raw_orders"};
const DatasetKey kOrders{"pg", "orders"};

// A dbt-style run at 10:`minute` reading raw_orders (with Great
// Expectations-style assertions and metrics on it) and writing orders
// (with its output statistics and a test run facet).
std::string QualityRun(const std::string& run, int minute, bool enough_rows) {
  json e = json::parse(testing::RunEventJson("COMPLETE", run, minute, {Io{"raw_orders"}},
                                             {Io{"orders"}}, "dbt.orders"));
  e["inputs"][0]["inputFacets"] = testing::CheckedInputFacets(enough_rows);
  e["outputs"][0]["outputFacets"] = {{"outputStatistics", {{"rowCount", 995}, {"size", 48000}}}};
  e["run"]["facets"] = {
      {"test", {{"tests", {{{"name", "unique_orders_id"}, {"status", "pass"}, {"type", "unique"}}}}}}};
  return e.dump();
}

class StoreQualityTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    auto s = Store::Open(db_->Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }

  absl::Status Ingest(const std::vector<std::string>& texts) {
    std::vector<lineage::Event> events;
    for (const std::string& t : texts) {
      absl::StatusOr<lineage::Event> e = lineage::ParseEvent(t);
      if (!e.ok()) return e.status();
      events.push_back(*std::move(e));
    }
    return store_->IngestEvents(events, "serviceaccount:dbt").status();
  }

  // "column:name=status|value" of each result, as listed.
  std::vector<std::string> List(const DatasetKey& key, const QualityFilter& filter = {},
                                int page_size = 0) {
    std::vector<std::string> out;
    PageRequest page{.page_size = page_size};
    do {
      auto listed = store_->ListQualityResults(key, filter, page);
      EXPECT_TRUE(listed.ok()) << listed.status();
      if (!listed.ok()) break;
      for (const QualityRecord& r : listed->items) {
        out.push_back(r.column + ":" + r.name + "=" +
                      (r.value ? lineage::NumberText(*r.value) : r.status));
      }
      page.page_token = listed->next_page_token;
    } while (!page.page_token.empty());
    return out;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreQualityTest, ResultsAreKeptPerDatasetNewestFirstWithTheirRun) {
  ASSERT_TRUE(Ingest({QualityRun("run-1", 1, true)}).ok());
  ASSERT_TRUE(Ingest({QualityRun("run-2", 2, false)}).ok());

  // Each event's results in the order it sent them, the newer event first.
  EXPECT_EQ(List(kRaw), (std::vector<std::string>{
                            "id:not_null=pass", ":enough_rows=fail", ":rowCount=999",
                            "id:nullCount=0", "id:distinctCount=999",
                            "id:not_null=pass", ":enough_rows=pass", ":rowCount=1200",
                            "id:nullCount=0", "id:distinctCount=999"}));
  // The output: its statistics, then the run's tests (the facet names no dataset).
  EXPECT_EQ(List(kOrders), (std::vector<std::string>{
                               ":rowCount=995", ":size=48000", ":unique_orders_id=pass",
                               ":rowCount=995", ":size=48000", ":unique_orders_id=pass"}));

  auto page = store_->ListQualityResults(kRaw, {.name = "enough_rows"}, {});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 2u);
  const QualityRecord& failed = page->items[0];
  EXPECT_EQ(failed.job, (JobKey{"airflow", "dbt.orders"}));
  EXPECT_EQ(failed.run_id, "run-2");
  EXPECT_EQ(failed.facet, "dataQualityAssertions");
  EXPECT_EQ(failed.check_type, "row_count");
  EXPECT_EQ(failed.severity, "error");
  EXPECT_EQ(failed.expected, ">= 1000");
  EXPECT_EQ(failed.actual, "999");
  EXPECT_FALSE(failed.value.has_value());
  EXPECT_EQ(failed.reporter, "serviceaccount:dbt");
  EXPECT_EQ(failed.event_ms, *lineage::ParseEventTime("2024-05-01T10:02:00Z"));
}

TEST_P(StoreQualityTest, ResultsAreNotDatasetRevisions) {
  ASSERT_TRUE(Ingest({QualityRun("run-1", 1, true)}).ok());
  auto before = store_->GetDataset(kRaw);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(Ingest({QualityRun("run-2", 2, false)}).ok());
  auto after = store_->GetDataset(kRaw);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status.revision, before->status.revision);
  EXPECT_EQ(List(kRaw).size(), 10u);
}

TEST_P(StoreQualityTest, TheSameEventTwiceAddsNothing) {
  std::string run = QualityRun("run-1", 1, true);
  ASSERT_TRUE(Ingest({run}).ok());
  ASSERT_TRUE(Ingest({run}).ok());
  ASSERT_TRUE(Ingest({run, run}).ok());
  EXPECT_EQ(List(kRaw).size(), 5u);
  EXPECT_EQ(List(kOrders).size(), 3u);
}

TEST_P(StoreQualityTest, FiltersAndPages) {
  ASSERT_TRUE(Ingest({QualityRun("run-1", 1, true)}).ok());
  ASSERT_TRUE(Ingest({QualityRun("run-2", 2, false)}).ok());
  EXPECT_EQ(List(kRaw, {.column = "id"}),
            (std::vector<std::string>{"id:not_null=pass", "id:nullCount=0",
                                      "id:distinctCount=999", "id:not_null=pass",
                                      "id:nullCount=0", "id:distinctCount=999"}));
  EXPECT_EQ(List(kRaw, {.column = ""}),
            (std::vector<std::string>{":enough_rows=fail", ":rowCount=999",
                                      ":enough_rows=pass", ":rowCount=1200"}));
  EXPECT_EQ(List(kRaw, {.kind = QualityFilter::Kind::kChecks}),
            (std::vector<std::string>{"id:not_null=pass", ":enough_rows=fail",
                                      "id:not_null=pass", ":enough_rows=pass"}));
  EXPECT_EQ(List(kRaw, {.kind = QualityFilter::Kind::kMeasurements, .status = ""}).size(), 6u);
  EXPECT_EQ(List(kRaw, {.status = "fail"}), (std::vector<std::string>{":enough_rows=fail"}));
  EXPECT_EQ(List(kRaw, {.since_ms = *lineage::ParseEventTime("2024-05-01T10:02:00Z")}).size(),
            5u);
  // Pages of every size give the whole list, in order.
  std::vector<std::string> all = List(kRaw);
  for (int size : {1, 2, 3, 7}) EXPECT_EQ(List(kRaw, {}, size), all) << size;
  // A token that is not one of ours is refused, and so is one of ours
  // with its numbers changed (a place before a row's start, or past it).
  auto bad = store_->ListQualityResults(kRaw, {}, {.page_token = "nonsense"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  auto first = store_->ListQualityResults(kRaw, {}, {.page_size = 2});
  ASSERT_TRUE(first.ok());
  auto key = DecodeKeyToken({.page_token = first->next_page_token}, 6);
  ASSERT_TRUE(key.ok());
  for (const char* index : {"-5", "99999999999", "x"}) {
    std::vector<std::string> forged = *key;
    forged[5] = index;
    auto r = store_->ListQualityResults(kRaw, {}, {.page_token = EncodeKeyToken(forged)});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << index;
  }
  std::vector<std::string> forged = *key;
  forged[0] = "not a time";
  EXPECT_EQ(store_->ListQualityResults(kRaw, {}, {.page_token = EncodeKeyToken(forged)})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreQualityTest, AnUnknownDatasetIsNotFoundAndADeletedOneTakesItsResults) {
  EXPECT_EQ(store_->ListQualityResults({"pg", "nope"}, {}, {}).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(Ingest({QualityRun("run-1", 1, true)}).ok());
  ASSERT_TRUE(store_->DeleteDataset(kRaw, 0, "user:admin").ok());
  EXPECT_EQ(store_->ListQualityResults(kRaw, {}, {}).status().code(),
            absl::StatusCode::kNotFound);
  // Registered again by the next event, it starts without the old results.
  ASSERT_TRUE(Ingest({QualityRun("run-2", 2, false)}).ok());
  EXPECT_EQ(List(kRaw).size(), 5u);
}

// raw_orders' contract: four library rules, one of which events cannot
// measure, and a SQL rule that is not catalogd's to run.
constexpr char kRawContract[] = R"(apiVersion: v3.1.0
kind: DataContract
id: raw-orders
version: 1.0.0
status: active
schema:
  - name: raw_orders
    quality:
      - name: enough_rows
        metric: rowCount
        mustBeGreaterOrEqualTo: 1000
      - type: sql
        query: SELECT count(*) FROM raw_orders
        mustBeGreaterThan: 0
    properties:
      - name: id
        quality:
          - metric: nullValues
            mustBe: 0
          - metric: duplicateValues
            unit: percent
            mustBeLessThan: 1
            severity: warning
          - metric: invalidValues
            arguments:
              validValues: [1, 2]
            mustBe: 0
)";

TEST_P(StoreQualityTest, TheContractsRulesAreJudgedAgainstWhatWasMeasured) {
  ASSERT_TRUE(Ingest({QualityRun("run-0", 0, true)}).ok());  // registers raw_orders
  StoredContract c{.id = "raw-orders", .version = "1.0.0", .status = "active",
                   .document = kRawContract, .file = "raw.yaml"};
  ASSERT_TRUE(store_
                  ->PutContract(c, {{"raw_orders", kRaw}},
                                [](const StoredContract*) { return absl::OkStatus(); },
                                "user:alice")
                  .ok());
  // 1,200 rows then 999; id: no nulls, 999 distinct.
  ASSERT_TRUE(Ingest({QualityRun("run-1", 1, true)}).ok());
  ASSERT_TRUE(Ingest({QualityRun("run-2", 2, false)}).ok());
  auto judged = store_->ListQualityResults(kRaw, {.name = "", .kind = QualityFilter::Kind::kChecks}, {});
  ASSERT_TRUE(judged.ok()) << judged.status();
  std::vector<std::string> contract;
  for (const QualityRecord& r : judged->items) {
    if (r.facet != "contract") continue;
    contract.push_back(r.run_id + " " + r.column + ":" + r.name + "=" + r.status + " (" +
                       r.actual + "; " + r.expected + ")");
  }
  EXPECT_EQ(contract,
            (std::vector<std::string>{
                "run-2 :enough_rows=fail (999 rows; mustBeGreaterOrEqualTo 1000 rows)",
                "run-2 id:nullValues#1=pass (0 rows; mustBe 0 rows)",
                "run-2 id:duplicateValues#1=pass (0 percent; mustBeLessThan 1 percent)",
                "run-2 id:invalidValues#1=not_measured (not measured: no OpenLineage metric "
                "counts invalid values; mustBe 0 rows)",
                "run-1 :enough_rows=pass (1200 rows; mustBeGreaterOrEqualTo 1000 rows)",
                "run-1 id:nullValues#1=pass (0 rows; mustBe 0 rows)",
                "run-1 id:duplicateValues#1=fail (16.75 percent; mustBeLessThan 1 percent)",
                "run-1 id:invalidValues#1=not_measured (not measured: no OpenLineage metric "
                "counts invalid values; mustBe 0 rows)"}));
  // run-2 broke the contract (enough_rows); run-1's failure only warns.
  auto violations = store_->ContractViolations(kRaw, 10);
  ASSERT_TRUE(violations.ok());
  ASSERT_EQ(violations->size(), 1u);
  EXPECT_EQ((*violations)[0].source, "lineage run airflow/dbt.orders run-2");
  EXPECT_NE((*violations)[0].violations.find("enough_rows (rowCount): 999 rows"),
            std::string::npos)
      << (*violations)[0].violations;
  // The same event again is not judged again.
  ASSERT_TRUE(Ingest({QualityRun("run-2", 2, false)}).ok());
  EXPECT_EQ(store_->ContractViolations(kRaw, 10)->size(), 1u);
  // The output has no contract: nothing judged there.
  for (const std::string& r : List(kOrders)) EXPECT_EQ(r.find("#1"), std::string::npos) << r;
}

// Parsed contracts are kept between events: a new version, or one no
// longer active, judges the next event as the catalog now says.
TEST_P(StoreQualityTest, TheNextEventIsJudgedByTheContractAsItNowIs) {
  ASSERT_TRUE(Ingest({QualityRun("run-0", 0, true)}).ok());
  auto put = [&](const std::string& version, const std::string& status, int least) {
    std::string doc = kRawContract;
    doc.replace(doc.find("version: 1.0.0"), 14, "version: " + version);
    doc.replace(doc.find("status: active"), 14, "status: " + status);
    doc.replace(doc.find("mustBeGreaterOrEqualTo: 1000"), 28,
                "mustBeGreaterOrEqualTo: " + std::to_string(least));
    StoredContract c{.id = "raw-orders", .version = version, .status = status,
                     .document = doc, .file = "raw.yaml"};
    return store_
        ->PutContract(c, {{"raw_orders", kRaw}},
                      [](const StoredContract*) { return absl::OkStatus(); }, "user:alice")
        .status();
  };
  auto enough_rows = [&](const std::string& run) {
    auto judged =
        store_->ListQualityResults(kRaw, {.name = "", .kind = QualityFilter::Kind::kChecks}, {});
    EXPECT_TRUE(judged.ok()) << judged.status();
    for (const QualityRecord& r : judged->items) {
      if (r.facet == "contract" && r.run_id == run && r.name == "enough_rows") {
        return r.status + " (" + r.expected + ")";
      }
    }
    return std::string("not judged");
  };
  ASSERT_TRUE(put("1.0.0", "active", 1000).ok());
  ASSERT_TRUE(Ingest({QualityRun("run-1", 1, false)}).ok());  // 999 rows
  EXPECT_EQ(enough_rows("run-1"), "fail (mustBeGreaterOrEqualTo 1000 rows)");
  ASSERT_TRUE(put("1.1.0", "active", 900).ok());
  ASSERT_TRUE(Ingest({QualityRun("run-2", 2, false)}).ok());
  EXPECT_EQ(enough_rows("run-2"), "pass (mustBeGreaterOrEqualTo 900 rows)");
  ASSERT_TRUE(put("1.2.0", "deprecated", 2000).ok());
  ASSERT_TRUE(Ingest({QualityRun("run-3", 3, false)}).ok());
  EXPECT_EQ(enough_rows("run-3"), "not judged");
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// `run` moved to `ms` since the epoch.
std::string At(std::string run, int64_t ms) {
  json e = json::parse(run);
  e["eventTime"] = FormatRfc3339(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
  return e.dump();
}

TEST_P(StoreQualityTest, RetentionCountsFromTheLaterOfTheEventAndItsArrival) {
  // An event from 2024 arriving now (a backfill) is kept from now.
  const int64_t now = NowMs();
  ASSERT_TRUE(Ingest({QualityRun("run-1", 1, true)}).ok());
  EXPECT_EQ(*store_->PruneQualityResults(now - 60 * 1000), 0);
  EXPECT_EQ(List(kRaw).size(), 5u);
  // Once retention has passed since it arrived, it goes.
  EXPECT_EQ(*store_->PruneQualityResults(NowMs() + 1), 2);  // a row per event and dataset
  EXPECT_TRUE(List(kRaw).empty());
  EXPECT_EQ(*store_->PruneQualityResults(NowMs() + 1), 0);
}

TEST_P(StoreQualityTest, PruningForgetsAnHourAtATimeOldestFirst) {
  // Event times ahead of the clock count from the event: 2 h, 2 h 30 and
  // 5 h from now.
  const int64_t now = NowMs(), hour = 3600 * 1000;
  ASSERT_TRUE(Ingest({At(QualityRun("run-1", 1, true), now + 2 * hour)}).ok());
  ASSERT_TRUE(Ingest({At(QualityRun("run-2", 2, false), now + 2 * hour + hour / 2)}).ok());
  ASSERT_TRUE(Ingest({At(QualityRun("run-3", 3, true), now + 5 * hour)}).ok());
  EXPECT_EQ(*store_->PruneQualityResults(now + hour), 0);
  // Before 2 h 10: run-1's results only (a row on raw_orders, one on orders).
  EXPECT_EQ(*store_->PruneQualityResults(now + 2 * hour + hour / 6), 2);
  EXPECT_EQ(List(kRaw).size(), 10u);
  // Before 6 h: an hour from the oldest left (2 h 30) takes run-2's, the
  // next call run-3's, then nothing is left.
  EXPECT_EQ(*store_->PruneQualityResults(now + 6 * hour), 2);
  EXPECT_EQ(List(kRaw).size(), 5u);
  EXPECT_EQ(*store_->PruneQualityResults(now + 6 * hour), 2);
  EXPECT_EQ(*store_->PruneQualityResults(now + 6 * hour), 0);
  EXPECT_TRUE(List(kRaw).empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreQualityTest, testing::kEngines, testing::EngineName);

// The row's encoding is what protobuf itself writes for the same results,
// byte for byte, but for a facet that is the previous result's, left out:
// empty texts, a zero or absent value, negative zero, long texts (a
// two-byte length) and a check's kind. Decoded, every facet is back.
TEST(QualityEncoding, IsProtobufsOwnEncodingOfTheResults) {
  using lineage::QualityResult;
  std::vector<QualityResult> results = {
      {.facet = "dataQualityAssertions", .column = "id", .name = "not_null",
       .check_type = "not_null", .status = "fail", .severity = "error",
       .expected = "0", .actual = "3", .description = "no id is null"},
      {.facet = "dataQualityMetrics", .column = "amount", .name = "nullCount", .value = 7},
      {.facet = "dataQualityMetrics", .name = "rowCount", .value = 0.0},
      {.facet = "dataQualityMetrics", .name = "min", .value = -0.0},
      {.facet = "outputStatistics", .name = "size", .value = 1.5e300},
      {.facet = "test", .name = "fresh", .status = "skip"},
      {.facet = "contract", .name = "rowCount", .status = "not_measured",
       .description = std::string(300, 'd')},
      {.facet = "dataQualityMetrics", .name = "lastUpdated", .actual = "2026-12-05T10:00:00Z",
       .value = 1.7e12},
  };
  std::vector<const QualityResult*> pointers;
  v1::QualityResultList want;
  int checks = 0, failed = 0;
  for (const QualityResult& r : results) {
    const bool same_facet = !pointers.empty() && pointers.back()->facet == r.facet;
    pointers.push_back(&r);
    v1::QualityResult* p = want.add_results();
    if (!same_facet) p->set_facet(r.facet);
    p->set_column(r.column);
    p->set_name(r.name);
    p->set_kind(lineage::IsCheck(r) ? v1::QUALITY_KIND_CHECK : v1::QUALITY_KIND_MEASUREMENT);
    p->set_check_type(r.check_type);
    p->set_status(r.status);
    p->set_severity(r.severity);
    p->set_expected(r.expected);
    p->set_actual(r.actual);
    if (r.value) p->set_value(*r.value);
    p->set_description(r.description);
    checks += lineage::IsCheck(r);
    failed += r.status == "fail";
  }
  // Two metrics of the same facet in a row: the second's is left out.
  ASSERT_TRUE(want.results(2).facet().empty());
  const EncodedQuality got = EncodeQualityResults(pointers);
  EXPECT_EQ(got.bytes, want.SerializeAsString());
  EXPECT_EQ(got.checks, checks);
  EXPECT_EQ(got.failed, failed);
  v1::QualityResultList back;
  ASSERT_TRUE(DecodeQualityResults(got.bytes, back).ok());
  ASSERT_EQ(back.results_size(), 8);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(back.results(i).facet(), results[i].facet) << i;
  EXPECT_EQ(back.results(0).actual(), "3");
  EXPECT_EQ(back.results(1).value(), 7);
  EXPECT_EQ(back.results(6).description().size(), 300u);
  EXPECT_TRUE(std::signbit(back.results(3).value()));
  EXPECT_TRUE(EncodeQualityResults({}).bytes.empty());
}

// Rows written with every result's facet (before facets were left out)
// read as they were; bytes that are not a result list are DATA_LOSS.
TEST(QualityEncoding, RowsWithEveryFacetAndBrokenRowsDecode) {
  v1::QualityResultList full;
  for (const char* facet : {"test", "test", "dataQualityMetrics", "contract"}) {
    v1::QualityResult* r = full.add_results();
    r->set_facet(facet);
    r->set_name("n");
  }
  v1::QualityResultList back;
  ASSERT_TRUE(DecodeQualityResults(full.SerializeAsString(), back).ok());
  ASSERT_EQ(back.results_size(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(back.results(i).facet(), full.results(i).facet()) << i;
  EXPECT_EQ(DecodeQualityResults("\x0a\x05" "ab", back).code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace catalog::store

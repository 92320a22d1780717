#include "lib/lineage/quality.h"

#include <gtest/gtest.h>

#include "lib/lineage/event.h"

namespace catalog::lineage {
namespace {

// A Great Expectations-style run: assertions on its input, metrics on the
// input and statistics on the output; a dbt-style test run facet.
const char* kEvent = R"({
  "eventType": "COMPLETE",
  "eventTime": "2026-11-30T06:00:00Z",
  "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.40.0/integration/dbt",
  "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  "run": {"runId": "0193c2a0-0000-7000-8000-000000000001",
          "facets": {"test": {
            "_producer": "https://github.com/OpenLineage/OpenLineage/tree/1.40.0/integration/dbt",
            "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/TestRunFacet.json#/$defs/TestRunFacet",
            "tests": [
              {"name": "not_null_orders_id", "status": "pass", "severity": "error", "type": "not_null"},
              {"name": "accepted_values_orders_status", "status": "FAIL", "severity": "warn",
               "type": "accepted_values", "expected": "0", "actual": "3",
               "description": "status is one of placed, shipped"},
              {"name": "freshness_orders", "status": "skip"}]}}},
  "job": {"namespace": "dbt", "name": "shop.orders"},
  "inputs": [{"namespace": "postgres://db:5432", "name": "shop.public.raw_orders",
    "inputFacets": {
      "dataQualityAssertions": {
        "_producer": "https://greatexpectations.io",
        "_schemaURL": "https://openlineage.io/spec/facets/1-1-0/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet",
        "assertions": [
          {"assertion": "expect_column_values_to_not_be_null", "success": true, "column": "id"},
          {"assertion": "expect_table_row_count_to_be_between", "success": false,
           "name": "enough_rows", "severity": "error", "expected": ">= 1000", "actual": "999",
           "description": "A day holds at least a thousand orders"}]},
      "dataQualityMetrics": {
        "_producer": "https://greatexpectations.io",
        "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/DataQualityMetricsInputDatasetFacet.json#/$defs/DataQualityMetricsInputDatasetFacet",
        "rowCount": 999, "bytes": 52000, "lastUpdated": "2026-11-30T05:58:00Z",
        "columnMetrics": {"id": {"nullCount": 0, "distinctCount": 999},
                          "amount": {"nullCount": 4, "min": 0.5, "max": 1250.25,
                                     "quantiles": {"0.5": 42.0}}}}}}],
  "outputs": [{"namespace": "postgres://db:5432", "name": "shop.public.orders",
    "outputFacets": {"outputStatistics": {
      "_producer": "https://github.com/OpenLineage/OpenLineage/tree/1.40.0/integration/dbt",
      "_schemaURL": "https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet",
      "rowCount": 995, "size": 48000}}}]
})";

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(Quality, ReadsChecksAndMeasurementsAsSent) {
  absl::StatusOr<Event> e = ParseEvent(kEvent);
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_EQ(e->inputs.size(), 1u);
  const std::vector<QualityResult>& in = e->inputs[0].quality;
  ASSERT_EQ(in.size(), 11u);
  EXPECT_EQ(in[0], (QualityResult{.facet = "dataQualityAssertions",
                                  .column = "id",
                                  .name = "expect_column_values_to_not_be_null",
                                  .check_type = "expect_column_values_to_not_be_null",
                                  .status = "pass"}));
  EXPECT_EQ(in[1], (QualityResult{.facet = "dataQualityAssertions",
                                  .name = "enough_rows",
                                  .check_type = "expect_table_row_count_to_be_between",
                                  .status = "fail",
                                  .severity = "error",
                                  .expected = ">= 1000",
                                  .actual = "999",
                                  .description = "A day holds at least a thousand orders"}));
  EXPECT_TRUE(IsCheck(in[1]));
  // Dataset measurements, then each column's (columns in name order).
  std::vector<std::string> names;
  for (size_t i = 2; i < in.size(); ++i) names.push_back(in[i].column + ":" + in[i].name);
  EXPECT_EQ(names, (std::vector<std::string>{":rowCount", ":bytes", ":lastUpdated",
                                             "amount:nullCount", "amount:min", "amount:max",
                                             "amount:quantiles.0.5", "id:nullCount",
                                             "id:distinctCount"}));
  EXPECT_FALSE(IsCheck(in[2]));
  EXPECT_EQ(in[2].value, 999.0);
  EXPECT_EQ(in[2].actual, "");
  EXPECT_EQ(in[2].facet, "dataQualityMetrics");
  EXPECT_EQ(in[4].actual, "2026-11-30T05:58:00Z");
  EXPECT_EQ(in[4].value, 1796018280000.0);
  EXPECT_EQ(in[6].value, 0.5);
  EXPECT_EQ(NumberText(*in[7].value), "1250.25");
  EXPECT_EQ(NumberText(*in[2].value), "999");

  ASSERT_EQ(e->outputs.size(), 1u);
  const std::vector<QualityResult>& out = e->outputs[0].quality;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].facet, "outputStatistics");
  EXPECT_EQ(out[0].name, "rowCount");
  EXPECT_EQ(out[0].value, 995.0);
  EXPECT_EQ(out[1].name, "size");

  ASSERT_EQ(e->tests.size(), 3u);
  EXPECT_EQ(e->tests[0].status, "pass");
  EXPECT_EQ(e->tests[0].check_type, "not_null");
  EXPECT_EQ(e->tests[1].status, "fail");  // sent as FAIL
  EXPECT_EQ(e->tests[1].severity, "warn");
  EXPECT_EQ(e->tests[1].actual, "3");
  EXPECT_EQ(e->tests[2].status, "skip");
  EXPECT_EQ(e->tests[2].facet, "test");
}

TEST(Quality, DatasetFacetsCountWhenTheEventPutsThemThere) {
  std::string text = R"({"eventTime": "2026-11-30T06:00:00Z", "producer": "p",
    "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
    "dataset": {"namespace": "s3://lake", "name": "events",
      "facets": {"dataQualityMetrics": {"rowCount": 7, "columnMetrics": {}},
                 "dataQualityAssertions": {"_deleted": true}}}})";
  absl::StatusOr<Event> e = ParseEvent(text);
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_EQ(e->outputs[0].quality.size(), 1u);
  EXPECT_EQ(e->outputs[0].quality[0].name, "rowCount");
}

TEST(Quality, RefusesWithThePathAndTheRule) {
  struct Case {
    std::string from, to, error;
  };
  std::vector<Case> cases = {
      {R"("success": true, "column": "id")", R"("column": "id")",
       "inputs[0].inputFacets.dataQualityAssertions.assertions[0].success: is required"},
      {R"("success": true, "column": "id")", R"("success": "yes")",
       "assertions[0].success: must be true or false"},
      {R"({"assertion": "expect_column_values_to_not_be_null", )", R"({)",
       "assertions[0].assertion: is required"},
      {R"("assertions": [)", R"("assertions": 3, "x": [)",
       "dataQualityAssertions.assertions: must be an array"},
      {R"("rowCount": 999,)", R"("rowCount": "many",)",
       "inputs[0].inputFacets.dataQualityMetrics.rowCount: must be a number"},
      {R"("min": 0.5,)", R"("min": "low",)",
       "dataQualityMetrics.columnMetrics.amount.min: must be a number"},
      {R"("quantiles": {"0.5": 42.0})", R"("quantiles": {"0.5": "median"})",
       "dataQualityMetrics.columnMetrics.amount.quantiles.0.5: must be a number"},
      {R"("id": {"nullCount": 0, "distinctCount": 999})", R"("id": [0, 999])",
       "inputs[0].inputFacets.dataQualityMetrics.columnMetrics.id: must be an object"},
      {R"({"name": "freshness_orders", )", R"(7, {"name": "freshness_orders", )",
       "run.facets.test.tests[2]: must be an object"},
      {R"("lastUpdated": "2026-11-30T05:58:00Z")", R"("lastUpdated": "yesterday")",
       "dataQualityMetrics.lastUpdated: must be an RFC 3339 date-time"},
      {R"("status": "skip")", R"("status": "maybe")",
       "run.facets.test.tests[2].status: must be pass, fail or skip"},
      {R"({"name": "freshness_orders", )", R"({)", "run.facets.test.tests[2].name: is required"},
      {R"("rowCount": 995,)", R"("rowCount": [995],)",
       "outputs[0].outputFacets.outputStatistics.rowCount: must be a number"},
      // Text rules name the member (the name is built only on an error).
      {R"("severity": "warn")", R"("severity": "warn\u0007")",
       "run.facets.test.tests[1].severity: must not contain control characters"},
      {R"("expected": ">= 1000")", R"("expected": ")" + std::string(4097, 'x') + R"(")",
       "assertions[1].expected: must be at most 4096 bytes (got 4097)"},
      {R"({"assertion": "expect_column_values_to_not_be_null", )",
       R"({"assertion": "expect\u0000null", )",
       "assertions[0].assertion: must not contain control characters"},
      {R"({"name": "freshness_orders", )", R"({"name": "fresh\nness", )",
       "run.facets.test.tests[2].name: must not contain control characters"},
  };
  for (const Case& c : cases) {
    std::string text = kEvent;
    size_t at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    text.replace(at, c.from.size(), c.to);
    absl::StatusOr<Event> e = ParseEvent(text);
    ASSERT_FALSE(e.ok()) << c.error;
    EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(Message(e.status()).find(c.error), std::string::npos)
        << Message(e.status()) << "\nwanted: " << c.error;
  }
}

TEST(Quality, RefusesTooManyResultsInOneEvent) {
  std::string metrics;
  for (size_t i = 0; i < kMaxQualityResultsPerEvent / 2 + 1; ++i) {
    metrics += (i ? "," : "") + ("\"c" + std::to_string(i) + "\": {\"nullCount\": 0, \"max\": 1}");
  }
  std::string text = R"({"eventTime": "2026-11-30T06:00:00Z", "producer": "p",
    "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
    "dataset": {"namespace": "s3://lake", "name": "wide",
      "facets": {"dataQualityMetrics": {"columnMetrics": {)" + metrics + "}}}}}";
  absl::StatusOr<Event> e = ParseEvent(text);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(Message(e.status()).find("facets: at most 20000 quality results"), std::string::npos)
      << e.status();
}

}  // namespace
}  // namespace catalog::lineage

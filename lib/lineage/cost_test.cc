// The cost run facet and BigQuery's billedBytes, read from real events'
// run facets; malformed ones refuse the event, naming the field.
#include "lib/lineage/cost.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/lineage/event.h"

namespace catalog::lineage {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

std::string EventWith(const json& run_facets) {
  json e = {{"eventType", "COMPLETE"},
            {"eventTime", "2026-11-30T10:00:00Z"},
            {"producer", "https://example.com/t"},
            {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json"},
            {"run", {{"runId", "0190c8a8-0000-7000-8000-000000000001"}, {"facets", run_facets}}},
            {"job", {{"namespace", "dbt"}, {"name", "orders"}}}};
  return e.dump();
}

TEST(RunCost, ReadsTheCostFacetAndBigQuerysBytes) {
  absl::StatusOr<Event> e = ParseEvent(EventWith(
      {{"cost", {{"amount", 12.345678}, {"currency", "EUR"}}},
       {"bigQueryJob", {{"cached", false}, {"billedBytes", "10485760"}}}}));
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_TRUE(e->cost.has_value());
  EXPECT_EQ(e->cost->amount_micros, 12345678);
  EXPECT_EQ(e->cost->currency, "EUR");
  EXPECT_EQ(e->cost->billed_bytes, 10485760);
  // The older name, bytes as a number, no amount.
  e = ParseEvent(EventWith({{"bigQuery_job", {{"billedBytes", 2048}}}}));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->cost->amount_micros.has_value());
  EXPECT_EQ(e->cost->billed_bytes, 2048);
  // None.
  e = ParseEvent(EventWith(json::object()));
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->cost.has_value());
  // A withdrawn cost facet is none.
  e = ParseEvent(EventWith({{"cost", {{"_deleted", true}}}}));
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->cost.has_value());
}

TEST(RunCost, RefusesWhatCannotBeAddedUp) {
  for (const auto& [facets, rule] : std::vector<std::pair<json, std::string>>{
           {{{"cost", {{"amount", 3}}}}, "run.facets.cost.currency: is required with amount"},
           {{{"cost", {{"amount", 3}, {"currency", "usd"}}}}, "three capital letters"},
           {{{"cost", {{"amount", 3}, {"currency", "DOLLARS"}}}}, "run.facets.cost.currency"},
           {{{"cost", {{"amount", -1}, {"currency", "USD"}}}}, "run.facets.cost.amount: must be"},
           {{{"cost", {{"amount", 1e13}, {"currency", "USD"}}}}, "from 0 to 1e12"},
           {{{"cost", {{"amount", "12"}, {"currency", "USD"}}}}, "run.facets.cost.amount"},
           {{{"cost", {{"currency", "USD"}}}}, "run.facets.cost.amount: is required with currency"},
           {{{"cost", {{"billedBytes", -5}}}}, "run.facets.cost.billedBytes: must be a whole"},
           {{{"bigQueryJob", {{"billedBytes", "12x"}}}}, "run.facets.bigQueryJob.billedBytes"},
           {{{"bigQueryJob", {{"billedBytes", 1.5}}}}, "must be a whole number"},
       }) {
    absl::StatusOr<Event> e = ParseEvent(EventWith(facets));
    ASSERT_FALSE(e.ok()) << facets.dump();
    EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(e.status().message()), HasSubstr(rule)) << facets.dump();
  }
}

}  // namespace
}  // namespace catalog::lineage

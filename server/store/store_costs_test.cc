// Runs' costs on both engines: the latest report of a run wins, sums per
// job and currency, and per job and dataset it writes.
#include <gmock/gmock.h>
#include <algorithm>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lib/lineage/event.h"
#include "lib/util/strings.h"
#include "server/store/store.h"
#include "tests/lineage_events.h"
#include "tests/store_engines.h"

namespace catalog::store {
namespace {

using json = nlohmann::json;
using ::testing::ElementsAre;

class StoreCostsTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    auto s = Store::Open(db_->Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }

  void Run(const std::string& run, int minute, json facets, std::vector<std::string> outputs) {
    std::vector<testing::EventIo> outs;
    for (const std::string& o : outputs) outs.push_back({o});
    json e = json::parse(testing::RunEventJson("COMPLETE", run, minute, {}, outs, "load"));
    e["run"]["facets"] = facets;
    absl::StatusOr<lineage::Event> parsed = lineage::ParseEvent(e.dump());
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    ASSERT_TRUE(store_->IngestEvents({*parsed}, "serviceaccount:etl").ok());
  }

  std::vector<std::string> Rows(bool produced) {
    absl::StatusOr<std::vector<Store::CostRow>> rows = store_->Costs(0, produced);
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<std::string> out;
    for (const Store::CostRow& r : *rows) {
      out.push_back(StrCat(r.job.ToString(), " ", r.dataset.ToString(), " ", r.currency, " ",
                           r.amount_micros, " ", r.runs, " ", r.billed_bytes));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreCostsTest, SumsPerJobAndPerDatasetWritten) {
  Run("r1", 1, {{"cost", {{"amount", 1}, {"currency", "USD"}}}}, {"a"});
  Run("r1", 2, {{"cost", {{"amount", 2.5}, {"currency", "USD"}}}}, {"a"});  // replaces
  Run("r2", 3, {{"cost", {{"amount", 4}, {"currency", "USD"}, {"billedBytes", 7}}}}, {"a", "b"});
  Run("r3", 4, {{"bigQueryJob", {{"billedBytes", 100}}}}, {"a", "b"});
  EXPECT_THAT(Rows(false), ElementsAre("airflow/load /  0 1 100",
                                       "airflow/load / USD 6500000 2 7"));
  // Each dataset the job writes (its active output edges) carries its runs.
  EXPECT_THAT(Rows(true), ElementsAre("airflow/load pg/a  0 1 100",
                                      "airflow/load pg/a USD 6500000 2 7",
                                      "airflow/load pg/b  0 1 100",
                                      "airflow/load pg/b USD 6500000 2 7"));
  // An older report of a run does not replace a newer one.
  Run("r1", 0, {{"cost", {{"amount", 99}, {"currency", "USD"}}}}, {"a", "b"});
  EXPECT_THAT(Rows(false)[1], "airflow/load / USD 6500000 2 7");
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreCostsTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store

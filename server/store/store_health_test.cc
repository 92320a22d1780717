// Dataset health on both engines, on a clock the test moves: checks that
// fail and pass again, freshness against a contract's slaProperties
// (judged again by the sweep when time passes without a write), schema
// breaks, and how a change of health reaches those who follow the store
// (a catalog revision, never a dataset revision).
#include <gtest/gtest.h>

#include <atomic>

#include <nlohmann/json.hpp>

#include "lib/lineage/event.h"
#include "lib/util/time.h"
#include "server/store/store.h"
#include "tests/lineage_events.h"
#include "tests/store_engines.h"
#include "tests/test_env.h"

namespace catalog::store {
namespace {

using json = nlohmann::json;
using Io = testing::EventIo;

const DatasetKey kOrders{"pg", "orders"};
constexpr int64_t kMin = 60 * 1000;

// 2024-05-01T10:MM:00Z, the time of testing::RunEventJson's events.
int64_t At(int minute) {
  return *lineage::ParseEventTime("2024-05-01T10:00:00Z") + minute * kMin;
}

// orders: an id, written at least hourly.
const char kContract[] =
    "apiVersion: v3.1.0\nkind: DataContract\nid: orders\nversion: 1.0.0\n"
    "status: active\nschema:\n  - name: orders\n    properties:\n"
    "      - name: id\n        logicalType: integer\n"
    "slaProperties:\n  - property: latency\n    value: 1\n    unit: h\n";

json Assertion(const std::string& name, bool success, const std::string& severity = "") {
  json a = {{"assertion", name}, {"success", success}, {"column", "id"}};
  if (!severity.empty()) a["severity"] = severity;
  return a;
}

class StoreHealthTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    Store::Options options = db_->Options();
    options.clock_ms = [this] { return now_.load(); };
    auto s = Store::Open(options);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    store_->AddCommitHook([this](const Change& c) { changes_.push_back(c); });
  }

  // A run of job "load" at 10:`minute` writing orders, in `state`, with
  // `assertions` on it and `schema` fields when given.
  absl::Status Run(const std::string& state, int minute, json assertions = json::array(),
                   json fields = nullptr) {
    json facets = json::object();
    if (!assertions.empty()) facets["dataQualityAssertions"] = {{"assertions", assertions}};
    if (!fields.is_null()) facets["schema"] = {{"fields", fields}};
    json text = json::parse(testing::RunEventJson(state, "run-" + std::to_string(minute), 0, {},
                                                  {Io{"orders", facets}}, "load"));
    text["eventTime"] = FormatMs(At(minute));
    absl::StatusOr<lineage::Event> e = lineage::ParseEvent(text.dump());
    if (!e.ok()) return e.status();
    return store_->IngestEvents({*e}, "serviceaccount:etl").status();
  }

  absl::Status PutContract(const std::string& version, const std::string& document) {
    StoredContract c{.id = "orders", .version = version, .status = "active",
                     .document = document, .file = "orders.yaml"};
    return store_
        ->PutContract(c, {{"orders", kOrders}},
                      [](const StoredContract*) { return absl::OkStatus(); }, "user:alice")
        .status();
  }

  HealthDetail Health() {
    absl::StatusOr<HealthDetail> h = store_->GetDatasetHealth(kOrders);
    EXPECT_TRUE(h.ok()) << h.status();
    return h.ok() ? *h : HealthDetail{};
  }

  // The health the last change that named orders carried.
  std::string LastChangedHealth() {
    for (auto c = changes_.rbegin(); c != changes_.rend(); ++c) {
      for (const Resource& r : c->upserted) {
        if (r.kind == Resource::Kind::kDataset && r.dataset.key == kOrders) {
          return r.dataset.health.state + "/" + r.dataset.health.freshness;
        }
      }
    }
    return "none";
  }

  std::atomic<int64_t> now_{At(0)};
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
  std::vector<Change> changes_;
};

TEST_P(StoreHealthTest, AFailingCheckMakesItFailingUntilItPassesAgain) {
  ASSERT_TRUE(Run("COMPLETE", 1, {Assertion("not_null", true)}).ok());
  EXPECT_EQ(Health().health.state, "ok");
  const int64_t dataset_revision = store_->GetDataset(kOrders)->status.revision;

  now_ = At(2);
  ASSERT_TRUE(Run("COMPLETE", 2, {Assertion("not_null", false)}).ok());
  HealthDetail h = Health();
  EXPECT_EQ(h.health.state, "failing");
  EXPECT_EQ(h.health.since_ms, At(2));
  EXPECT_EQ(h.reason, "check id: not_null fails");
  ASSERT_EQ(h.failing.size(), 1u);
  EXPECT_EQ(h.failing[0].job, (JobKey{"airflow", "load"}));
  EXPECT_EQ(h.failing[0].run_id, "run-2");
  EXPECT_EQ(h.failing[0].since_ms, At(2));
  // Others see it as a change of the catalog, not of the dataset.
  EXPECT_EQ(LastChangedHealth(), "failing/unknown");
  absl::StatusOr<Dataset> d = store_->GetDataset(kOrders);
  EXPECT_EQ(d->status.revision, dataset_revision);
  EXPECT_EQ(d->health.state, "failing");
  EXPECT_EQ(store_->DatasetHistory(kOrders)->size(), 1u);

  // A run that does not check it leaves it failing; one that passes it
  // heals it.
  ASSERT_TRUE(Run("COMPLETE", 3).ok());
  EXPECT_EQ(Health().failing[0].since_ms, At(2));
  now_ = At(4);
  ASSERT_TRUE(Run("COMPLETE", 4, {Assertion("not_null", true)}).ok());
  h = Health();
  EXPECT_EQ(h.health.state, "ok");
  EXPECT_EQ(h.health.since_ms, At(4));
  EXPECT_TRUE(h.failing.empty());
  EXPECT_EQ(LastChangedHealth(), "ok/unknown");
}

TEST_P(StoreHealthTest, AFailedCheckThatOnlyWarnsIsAWarning) {
  ASSERT_TRUE(Run("COMPLETE", 1, {Assertion("freshness_lag", false, "warn")}).ok());
  HealthDetail h = Health();
  EXPECT_EQ(h.health.state, "warning");
  EXPECT_EQ(h.reason, "check id: freshness_lag fails (warns)");
}

TEST_P(StoreHealthTest, StaleWhenNotWrittenWithinTheContractsLatencyAndFreshAfterAWrite) {
  ASSERT_TRUE(Run("COMPLETE", 0).ok());
  EXPECT_EQ(Health().health.freshness, "unknown");  // no agreement yet
  ASSERT_TRUE(PutContract("1.0.0", kContract).ok());
  HealthDetail h = Health();
  EXPECT_EQ(h.health.freshness, "fresh");
  EXPECT_EQ(h.health.freshness_since_ms, At(0));  // the write
  EXPECT_EQ(h.last_write_ms, At(0));
  EXPECT_EQ(h.next_check_ms, At(60));
  EXPECT_EQ(h.sla.latency_ms, 60 * kMin);
  EXPECT_EQ(LastChangedHealth(), "ok/fresh");

  // A run that started but did not end is no write; nor is a failed one.
  now_ = At(50);
  ASSERT_TRUE(Run("START", 50).ok());
  ASSERT_TRUE(Run("FAIL", 51).ok());
  EXPECT_EQ(Health().last_write_ms, At(0));
  // Nothing is due before the hour.
  EXPECT_EQ(*store_->JudgeDueHealth(100), 0);
  const int64_t revision = *store_->CatalogRevision();

  // The hour passes without a write: the sweep finds it stale.
  now_ = At(61);
  EXPECT_EQ(*store_->JudgeDueHealth(100), 1);
  h = Health();
  EXPECT_EQ(h.health.freshness, "stale");
  EXPECT_EQ(h.health.freshness_since_ms, At(60));
  EXPECT_EQ(h.health.state, "stale");
  EXPECT_EQ(h.next_check_ms, 0);
  EXPECT_EQ(h.freshness_reason,
            "latency 1 h: last written 2024-05-01T10:00:00.000Z, overdue since "
            "2024-05-01T11:00:00.000Z");
  EXPECT_EQ(*store_->CatalogRevision(), revision + 1);
  EXPECT_EQ(LastChangedHealth(), "stale/stale");
  EXPECT_EQ(*store_->JudgeDueHealth(100), 0);  // judged once

  // The pipeline runs again.
  now_ = At(70);
  ASSERT_TRUE(Run("COMPLETE", 70).ok());
  h = Health();
  EXPECT_EQ(h.health.freshness, "fresh");
  EXPECT_EQ(h.health.state, "ok");
  EXPECT_EQ(h.next_check_ms, At(130));
}

TEST_P(StoreHealthTest, AWriteThatBreaksTheContractsSchemaMakesItFailing) {
  ASSERT_TRUE(PutContract("1.0.0", kContract).ok());
  ASSERT_TRUE(Run("COMPLETE", 1, {}, {{{"name", "id"}, {"type", "text"}}}).ok());
  HealthDetail h = Health();
  EXPECT_EQ(h.health.state, "failing");
  EXPECT_EQ(h.reason, "its last write broke its contract's schema");
  EXPECT_EQ(h.contract_broken_ms, At(0));
  EXPECT_NE(h.contract_violations.find("\"rule\":\"type\""), std::string::npos)
      << h.contract_violations;
  now_ = At(2);
  ASSERT_TRUE(Run("COMPLETE", 2, {}, {{{"name", "id"}, {"type", "bigint"}}}).ok());
  h = Health();
  EXPECT_EQ(h.health.state, "ok");
  EXPECT_EQ(h.contract_broken_ms, 0);
}

TEST_P(StoreHealthTest, ADraftOrUnboundContractPromisesNothing) {
  ASSERT_TRUE(Run("COMPLETE", 0).ok());
  ASSERT_TRUE(PutContract("1.0.0", kContract).ok());
  EXPECT_EQ(Health().health.freshness, "fresh");
  std::string draft = kContract;
  draft.replace(draft.find("version: 1.0.0"), 14, "version: 1.1.0");
  draft.replace(draft.find("status: active"), 14, "status: draft");
  StoredContract c{.id = "orders", .version = "1.1.0", .status = "draft", .document = draft};
  ASSERT_TRUE(store_
                  ->PutContract(c, {{"orders", kOrders}},
                                [](const StoredContract*) { return absl::OkStatus(); },
                                "user:alice")
                  .ok());
  HealthDetail h = Health();
  EXPECT_EQ(h.health.freshness, "unknown");
  EXPECT_EQ(h.next_check_ms, 0);
  EXPECT_EQ(LastChangedHealth(), "ok/unknown");
}

TEST_P(StoreHealthTest, WhatTheServerMaintainsIsNeverTakenFromTheCaller) {
  ASSERT_TRUE(PutContract("1.0.0", kContract).ok());
  // An apply that claims a contract and a health of its own: the change
  // others derive their views from carries the stored ones.
  Resource r;
  r.dataset.key = {"pg", "forged"};
  r.dataset.contract = ContractRef{"other", "9.9.9", "active", "forged"};
  r.dataset.health = {.state = "failing", .since_ms = 1, .freshness = "stale"};
  ASSERT_TRUE(store_->Apply({r}, "user:mallory", false).ok());
  const Dataset& forged = changes_.back().upserted.at(0).dataset;
  EXPECT_FALSE(forged.contract.has_value());
  EXPECT_EQ(forged.health, DatasetHealth{});
  // A dataset a contract named before it existed has that contract.
  r.dataset.key = kOrders;
  r.dataset.spec.description = "orders";
  ASSERT_TRUE(store_->Apply({r}, "user:alice", false).ok());
  const Dataset& orders = changes_.back().upserted.at(0).dataset;
  ASSERT_TRUE(orders.contract.has_value());
  EXPECT_EQ(orders.contract->id, "orders");
  EXPECT_EQ(orders.health, DatasetHealth{});
}

TEST_P(StoreHealthTest, AnUnknownDatasetIsNotFoundAndAnUnjudgedOneIsOk) {
  EXPECT_EQ(store_->GetDatasetHealth(kOrders).status().code(), absl::StatusCode::kNotFound);
  Resource r;
  r.dataset.key = kOrders;
  ASSERT_TRUE(store_->Apply({r}, "user:alice", false).ok());
  HealthDetail h = Health();
  EXPECT_EQ(h.health.state, "ok");
  EXPECT_EQ(h.health.since_ms, 0);
  EXPECT_EQ(h.freshness_reason, "the contract states no freshness agreement");
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreHealthTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store

// Incidents on both engines, on a clock the test moves: opened by the
// health judgement that finds a cause (one per cause), auto-resolved when
// it recovers, acknowledged and resolved by people, each step audited.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include <nlohmann/json.hpp>

#include "lib/lineage/event.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "server/store/store.h"
#include "tests/lineage_events.h"
#include "tests/store_engines.h"
#include "tests/test_env.h"

namespace catalog::store {
namespace {

using json = nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;

const DatasetKey kOrders{"pg", "orders"};
constexpr int64_t kMin = 60 * 1000;

int64_t At(int minute) { return *lineage::ParseEventTime("2024-05-01T10:00:00Z") + minute * kMin; }

const char kContract[] =
    "apiVersion: v3.1.0\nkind: DataContract\nid: orders\nversion: 1.0.0\n"
    "status: active\nschema:\n  - name: orders\n"
    "slaProperties:\n  - property: latency\n    value: 1\n    unit: h\n";

class StoreIncidentsTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    Store::Options options = db_->Options();
    options.clock_ms = [this] { return now_.load(); };
    auto s = Store::Open(options);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }

  // A run of "load" at 10:`minute` writing orders, with a not_null check
  // on id that passes or fails when given.
  absl::Status Run(int minute, std::optional<bool> passes = std::nullopt) {
    json facets = json::object();
    if (passes) {
      facets["dataQualityAssertions"] = {
          {"assertions",
           {{{"assertion", "not_null"}, {"column", "id"}, {"success", *passes},
             {"actual", *passes ? "0 nulls" : "3 nulls"}}}}};
    }
    json e = json::parse(testing::RunEventJson("COMPLETE", "run-" + std::to_string(minute), 0, {},
                                               {{"orders", facets}}, "load"));
    e["eventTime"] = FormatMs(At(minute));
    absl::StatusOr<lineage::Event> parsed = lineage::ParseEvent(e.dump());
    if (!parsed.ok()) return parsed.status();
    return store_->IngestEvents({*parsed}, "serviceaccount:etl").status();
  }

  std::vector<IncidentRecord> List(IncidentFilter filter = {}) {
    absl::StatusOr<Page<IncidentRecord>> page = store_->ListIncidents(filter, {});
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->items : std::vector<IncidentRecord>{};
  }

  std::vector<std::string> AuditActions() {
    std::vector<std::string> out;
    absl::StatusOr<std::vector<AuditEvent>> events = store_->ListAudit(0, 1000);
    EXPECT_TRUE(events.ok()) << events.status();
    for (const AuditEvent& e : *events) {
      if (e.action.rfind("incident.", 0) == 0) out.push_back(e.action + " " + e.target);
    }
    return out;
  }

  std::atomic<int64_t> now_{At(0)};
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreIncidentsTest, AFailingCheckOpensOneIncidentThatClosesWhenItPasses) {
  ASSERT_TRUE(Run(1, true).ok());
  EXPECT_TRUE(List().empty());
  now_ = At(3);
  ASSERT_TRUE(Run(2, false).ok());
  ASSERT_TRUE(Run(3, false).ok());  // failing again: the same incident
  std::vector<IncidentRecord> open = List({.state = "open"});
  ASSERT_EQ(open.size(), 1u);
  const IncidentRecord& i = open[0];
  EXPECT_EQ(i.dataset, kOrders);
  EXPECT_EQ(i.kind, "check");
  EXPECT_EQ(i.cause, "check dataQualityAssertions id not_null");
  EXPECT_EQ(i.summary, "check id: not_null fails (3 nulls)");
  EXPECT_EQ(i.severity, "error");
  EXPECT_EQ(i.state, "open");
  EXPECT_EQ(i.cause_ms, At(2));  // detected a minute after the failing run
  EXPECT_EQ(i.opened_ms, At(3));
  EXPECT_THAT(AuditActions(), ::testing::ElementsAre(StrCat("incident.open ", i.id, " pg/orders")));

  now_ = At(10);
  ASSERT_TRUE(Run(10, true).ok());
  EXPECT_TRUE(List({.state = "open"}).empty());
  absl::StatusOr<IncidentRecord> resolved = store_->GetIncident(i.id);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->state, "resolved");
  EXPECT_EQ(resolved->resolved_ms, At(10));
  EXPECT_EQ(resolved->resolved_by, "catalogd");
  EXPECT_EQ(resolved->resolution,
            "recovered: the check passed, seen at 2024-05-01T10:10:00.000Z");
  EXPECT_THAT(AuditActions(), Contains(StrCat("incident.resolve ", i.id, " pg/orders")));
  // It fails again: a new incident.
  ASSERT_TRUE(Run(11, false).ok());
  EXPECT_EQ(List().size(), 2u);
  EXPECT_EQ(List({.state = "open"}).size(), 1u);
}

TEST_P(StoreIncidentsTest, AMissedAgreementOpensOneThatPeopleAcknowledgeAndResolve) {
  ASSERT_TRUE(Run(0).ok());
  StoredContract c{.id = "orders", .version = "1.0.0", .status = "active", .document = kContract};
  ASSERT_TRUE(store_
                  ->PutContract(c, {{"orders", kOrders}},
                                [](const StoredContract*) { return absl::OkStatus(); },
                                "user:alice")
                  .ok());
  EXPECT_TRUE(List().empty());
  now_ = At(65);
  ASSERT_EQ(*store_->JudgeDueHealth(100), 1);
  std::vector<IncidentRecord> open = List({.dataset = kOrders, .state = "open"});
  ASSERT_EQ(open.size(), 1u);
  const int64_t id = open[0].id;
  EXPECT_EQ(open[0].kind, "freshness");
  EXPECT_EQ(open[0].cause_ms, At(60));
  EXPECT_EQ(open[0].opened_ms, At(65));  // detected 5 minutes late
  EXPECT_THAT(open[0].summary, HasSubstr("latency 1 h"));

  now_ = At(70);
  auto acked = store_->ChangeIncident(id, IncidentAction::kAcknowledge, "user:alice",
                                      "looking at the loader", "user:alice");
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(acked->state, "acknowledged");
  EXPECT_EQ(acked->acknowledged_ms, At(70));
  EXPECT_EQ(acked->assignee, "user:alice");
  EXPECT_THAT(acked->notes, HasSubstr("looking at the loader"));
  EXPECT_EQ(List({.state = "open"}).size(), 1u);  // open means not resolved
  EXPECT_EQ(List({.state = "acknowledged"}).size(), 1u);

  auto resolved = store_->ChangeIncident(id, IncidentAction::kResolve, "",
                                         "restarted the scheduler", "user:alice");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->state, "resolved");
  EXPECT_EQ(resolved->resolved_by, "user:alice");
  EXPECT_EQ(resolved->resolution, "restarted the scheduler");
  EXPECT_THAT(AuditActions(),
              ::testing::ElementsAre(StrCat("incident.open ", id, " pg/orders"),
                                     StrCat("incident.acknowledge ", id, " pg/orders"),
                                     StrCat("incident.resolve ", id, " pg/orders")));
  // A resolved incident changes no more; an unknown one is not found.
  EXPECT_EQ(store_->ChangeIncident(id, IncidentAction::kNote, "", "x", "user:alice")
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->ChangeIncident(999, IncidentAction::kAcknowledge, "", "", "user:alice")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(*store_->CountOpenIncidents(), 0);
}

TEST_P(StoreIncidentsTest, ListsNewestFirstAPageAtATime) {
  ASSERT_TRUE(Run(1, false).ok());
  ASSERT_TRUE(Run(2, true).ok());
  ASSERT_TRUE(Run(3, false).ok());
  ASSERT_TRUE(Run(4, true).ok());
  ASSERT_TRUE(Run(5, false).ok());
  EXPECT_EQ(*store_->CountOpenIncidents(), 1);
  std::vector<int64_t> ids;
  PageRequest page{.page_size = 2};
  do {
    auto listed = store_->ListIncidents({}, page);
    ASSERT_TRUE(listed.ok()) << listed.status();
    for (const IncidentRecord& r : listed->items) ids.push_back(r.id);
    page.page_token = listed->next_page_token;
  } while (!page.page_token.empty());
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_GT(ids[0], ids[1]);
  EXPECT_GT(ids[1], ids[2]);
  EXPECT_EQ(List({.state = "resolved"}).size(), 2u);
  EXPECT_TRUE(List({.dataset = DatasetKey{"pg", "other"}}).empty());
  EXPECT_EQ(store_->ListIncidents({}, {.page_token = "bad"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreIncidentsTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store

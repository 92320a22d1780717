// Webhooks on both engines, on a clock the test moves: an incident's
// opening and resolution queue a delivery for each webhook subscribed to
// its dataset or its domain (and only those), in the event's transaction;
// deliveries come due one at a time per webhook, in order; a failure is
// retried with doubling waits and pauses the webhook after the last
// attempt, keeping its deliveries until it is resumed.
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
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const DatasetKey kOrders{"pg", "orders"};
constexpr int64_t kMin = 60 * 1000;

int64_t At(int minute) { return *lineage::ParseEventTime("2024-05-01T10:00:00Z") + minute * kMin; }

class StoreWebhooksTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    Store::Options options = db_->Options();
    options.clock_ms = [this] { return now_.load(); };
    options.max_pending_deliveries = 3;
    auto s = Store::Open(options);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    std::vector<Resource> batch;
    for (const char* path : {"sales", "sales/emea", "sal"}) {
      Resource d{.kind = Resource::Kind::kDomain};
      d.domain.path = path;
      batch.push_back(d);
    }
    Resource orders{.kind = Resource::Kind::kDataset};
    orders.dataset.key = kOrders;
    orders.dataset.spec.domain = "sales/emea";
    batch.push_back(orders);
    ASSERT_TRUE(store_->Apply(batch, "user:admin", false).ok());
  }

  // A run of "load" at 10:`minute` writing orders, with a not_null check
  // on id that passes or fails.
  absl::Status Run(int minute, bool passes) {
    json facets = {{"dataQualityAssertions",
                    {{"assertions",
                      {{{"assertion", "not_null"}, {"column", "id"}, {"success", passes}}}}}}};
    json e = json::parse(testing::RunEventJson("COMPLETE", "run-" + std::to_string(minute), 0, {},
                                               {{"orders", facets}}, "load"));
    e["eventTime"] = FormatMs(At(minute));
    absl::StatusOr<lineage::Event> parsed = lineage::ParseEvent(e.dump());
    if (!parsed.ok()) return parsed.status();
    return store_->IngestEvents({*parsed}, "serviceaccount:etl").status();
  }

  WebhookRecord Make(std::string name, std::string scope_kind, std::string scope,
                     std::vector<std::string> events = {"incident.opened", "incident.resolved"}) {
    WebhookRecord w{.name = std::move(name),
                    .url = "https://hooks.example.com/catalog",
                    .scope_kind = scope_kind,
                    .events = std::move(events),
                    .subscriber = "user:alice",
                    .secret = "sealed-secret",
                    .key_id = "k1"};
    if (scope_kind == "dataset") {
      w.dataset = kOrders;
      if (scope != "orders") w.dataset.name = scope;
    } else {
      w.domain = scope;
    }
    absl::StatusOr<WebhookRecord> made = store_->CreateWebhook(w, "user:alice");
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? *made : w;
  }

  // "webhook event" of each delivery queued, oldest first.
  std::vector<std::string> Queued(const WebhookRecord& w) {
    absl::StatusOr<Page<WebhookDelivery>> page = store_->ListWebhookDeliveries(w.id, {});
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> out;
    if (!page.ok()) return out;
    for (auto it = page->items.rbegin(); it != page->items.rend(); ++it) {
      out.push_back(StrCat(it->webhook, " ", it->event, " ", it->state));
    }
    return out;
  }

  std::atomic<int64_t> now_{At(0)};
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreWebhooksTest, AnIncidentReachesTheWebhooksOfItsDatasetAndItsDomainsOnly) {
  WebhookRecord dataset = Make("orders-hook", "dataset", "orders");
  WebhookRecord emea = Make("emea", "domain", "sales/emea");
  WebhookRecord sales = Make("sales", "domain", "sales");  // the domain above
  WebhookRecord sal = Make("sal", "domain", "sal");        // a prefix, not a parent
  WebhookRecord other = Make("customers", "dataset", "customers");
  WebhookRecord resolved_only = Make("resolved-only", "domain", "sales", {"incident.resolved"});
  ASSERT_TRUE(Run(1, false).ok());
  EXPECT_THAT(Queued(dataset), ElementsAre("orders-hook incident.opened pending"));
  EXPECT_THAT(Queued(emea), ElementsAre("emea incident.opened pending"));
  EXPECT_THAT(Queued(sales), ElementsAre("sales incident.opened pending"));
  EXPECT_TRUE(Queued(sal).empty());
  EXPECT_TRUE(Queued(other).empty());
  EXPECT_TRUE(Queued(resolved_only).empty());
  // The delivery carries the incident's facts.
  absl::StatusOr<Page<WebhookDelivery>> page = store_->ListWebhookDeliveries(dataset.id, {});
  ASSERT_TRUE(page.ok());
  json detail = json::parse(page->items[0].detail);
  EXPECT_EQ(detail["incident"]["state"], "open");
  EXPECT_THAT(detail["incident"]["cause"].get<std::string>(), HasSubstr("not_null"));
  EXPECT_EQ(page->items[0].dataset, kOrders);

  now_ = At(5);
  ASSERT_TRUE(Run(4, true).ok());  // recovers: resolved by catalogd
  EXPECT_THAT(Queued(dataset), ElementsAre("orders-hook incident.opened pending",
                                           "orders-hook incident.resolved pending"));
  EXPECT_THAT(Queued(resolved_only), ElementsAre("resolved-only incident.resolved pending"));
  page = store_->ListWebhookDeliveries(resolved_only.id, {});
  detail = json::parse(page->items[0].detail);
  EXPECT_EQ(detail["incident"]["resolved_by"], "catalogd");
  // Opened when judged (the clock at 10:00), resolved at 10:05.
  EXPECT_EQ(detail["incident"]["time_to_resolve_ms"], At(5) - At(0));
  EXPECT_EQ(store_->CountWebhookDeliveries()->pending, 3 + 4);
}

TEST_P(StoreWebhooksTest, DeliveriesComeDueInOrderAndFailuresBackOffThenPause) {
  WebhookRecord w = Make("orders-hook", "dataset", "orders");
  ASSERT_TRUE(Run(1, false).ok());
  ASSERT_TRUE(Run(2, true).ok());
  ASSERT_THAT(Queued(w), ElementsAre("orders-hook incident.opened pending",
                                     "orders-hook incident.resolved pending"));
  const WebhookRetry retry{.max_attempts = 3, .first_ms = 1000, .max_ms = 1500};
  absl::StatusOr<std::vector<WebhookDelivery>> due = store_->DueWebhookDeliveries(10);
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_EQ(due->size(), 1u);  // only the oldest of the webhook's
  const WebhookDelivery first = (*due)[0];
  EXPECT_EQ(first.event, "incident.opened");
  EXPECT_EQ(first.url, "https://hooks.example.com/catalog");
  EXPECT_EQ(first.secret, "sealed-secret");

  // Failed: not due again for a second, the body kept.
  ASSERT_TRUE(store_
                  ->RecordWebhookAttempt(first.id,
                                         {.status = 503, .error = "answered 503", .body = "{}"},
                                         retry)
                  .ok());
  EXPECT_TRUE(store_->DueWebhookDeliveries(10)->empty());
  now_ += 999;
  EXPECT_TRUE(store_->DueWebhookDeliveries(10)->empty());
  now_ += 1;
  due = store_->DueWebhookDeliveries(10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, first.id);
  EXPECT_EQ((*due)[0].body, "{}");
  EXPECT_EQ((*due)[0].attempts, 1);
  // Then two seconds, capped at 1.5.
  ASSERT_TRUE(store_->RecordWebhookAttempt(first.id, {.error = "no answer"}, retry).ok());
  now_ += 1499;
  EXPECT_TRUE(store_->DueWebhookDeliveries(10)->empty());
  now_ += 1;
  ASSERT_EQ(store_->DueWebhookDeliveries(10)->size(), 1u);
  // The third failure pauses the webhook; both deliveries are kept.
  ASSERT_TRUE(store_->RecordWebhookAttempt(first.id, {.error = "no answer"}, retry).ok());
  now_ += 60 * kMin;
  EXPECT_TRUE(store_->DueWebhookDeliveries(10)->empty());
  absl::StatusOr<WebhookRecord> paused = store_->GetWebhook("orders-hook");
  ASSERT_TRUE(paused.ok());
  EXPECT_EQ(paused->state, "paused");
  EXPECT_THAT(paused->state_reason, HasSubstr("failed 3 times"));
  EXPECT_EQ(paused->pending, 2);
  EXPECT_EQ(paused->last_error, "no answer");
  EXPECT_EQ(store_->CountWebhookDeliveries()->paused_webhooks, 1);

  // Resumed: the same delivery first, at once; delivered, then the next.
  ASSERT_TRUE(store_->ResumeWebhook("orders-hook", "user:alice").ok());
  due = store_->DueWebhookDeliveries(10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, first.id);
  EXPECT_EQ((*due)[0].attempts, 0);
  ASSERT_TRUE(store_
                  ->RecordWebhookAttempt(first.id,
                                         {.outcome = DeliveryAttempt::Outcome::kDelivered,
                                          .status = 204,
                                          .body = "{}"},
                                         retry)
                  .ok());
  due = store_->DueWebhookDeliveries(10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].event, "incident.resolved");
  EXPECT_THAT(Queued(w), ElementsAre("orders-hook incident.opened delivered",
                                     "orders-hook incident.resolved pending"));
  // A second record of a finished delivery changes nothing.
  ASSERT_TRUE(store_->RecordWebhookAttempt(first.id, {.error = "late"}, retry).ok());
  EXPECT_THAT(Queued(w)[0], "orders-hook incident.opened delivered");
  // Finished deliveries are pruned; pending ones are kept.
  EXPECT_EQ(*store_->PruneWebhookDeliveries(At(1000)), 1);
  EXPECT_THAT(Queued(w), ElementsAre("orders-hook incident.resolved pending"));
}

TEST_P(StoreWebhooksTest, NamesAreUniqueAndDeletingTakesTheDeliveries) {
  WebhookRecord w = Make("orders-hook", "dataset", "orders");
  WebhookRecord again = w;
  EXPECT_EQ(store_->CreateWebhook(again, "user:alice").status().code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(Run(1, false).ok());
  EXPECT_EQ(store_->CountWebhookDeliveries()->pending, 1);
  ASSERT_TRUE(store_->DeleteWebhook("orders-hook", "user:alice").ok());
  EXPECT_EQ(store_->CountWebhookDeliveries()->pending, 0);
  EXPECT_EQ(store_->DeleteWebhook("orders-hook", "user:alice").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetWebhook("orders-hook").status().code(), absl::StatusCode::kNotFound);
  std::vector<std::string> audited;
  absl::StatusOr<std::vector<AuditEvent>> events = store_->ListAudit(0, 1000);
  ASSERT_TRUE(events.ok()) << events.status();
  for (const AuditEvent& e : *events) {
    if (e.action.rfind("webhook.", 0) == 0) audited.push_back(e.action + " " + e.target);
  }
  EXPECT_THAT(audited, ElementsAre("webhook.create orders-hook", "webhook.delete orders-hook"));
  // One subscriber's webhooks are bounded.
  for (int i = 0; i < Store::kMaxWebhooksPerSubscriber; ++i) {
    Make(StrCat("h", i), "domain", "sales");
  }
  WebhookRecord one_more = w;
  one_more.name = "one-more";
  EXPECT_EQ(store_->CreateWebhook(one_more, "user:alice").status().code(),
            absl::StatusCode::kResourceExhausted);
  one_more.subscriber = "user:bob";
  EXPECT_TRUE(store_->CreateWebhook(one_more, "user:bob").ok());
}

TEST_P(StoreWebhooksTest, AWebhookFarBehindIsQueuedNoMoreUntilItDrains) {
  WebhookRecord w = Make("orders-hook", "dataset", "orders");
  for (int minute = 1; minute <= 4; ++minute) ASSERT_TRUE(Run(minute, minute % 2 == 0).ok());
  // Four events (opened, resolved, opened, resolved): three kept.
  EXPECT_EQ(Queued(w).size(), 3u);
  absl::StatusOr<std::vector<WebhookDelivery>> due = store_->DueWebhookDeliveries(10);
  ASSERT_EQ(due->size(), 1u);
  ASSERT_TRUE(store_
                  ->RecordWebhookAttempt((*due)[0].id,
                                         {.outcome = DeliveryAttempt::Outcome::kDelivered}, {})
                  .ok());
  // Drained by one: the next event is queued again.
  ASSERT_TRUE(Run(5, false).ok());
  EXPECT_THAT(Queued(w).back(), "orders-hook incident.opened pending");
  EXPECT_EQ(Queued(w).size(), 4u);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreWebhooksTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store
